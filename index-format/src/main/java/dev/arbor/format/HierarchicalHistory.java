package dev.arbor.format;

import java.util.Map;

/**
 * JTM's hierarchical user preference (arXiv 1902.07565, section 3.3): when the model scores a node of level {@code j},
 * each behaviour of the history is the behaviour's ancestor on level {@code max(j, minLevel)} instead of its leaf. At a
 * coarse level the user's interests are then read at the same coarseness as the nodes they are matched against;
 * {@code minLevel} keeps them from becoming so coarse near the root that all users look alike.
 *
 * <p>An index trained this way records {@code minLevel} in the property {@value #PROPERTY}, and every search over it
 * prepares the user once per distinct history level. Without the property, histories are leaves at every level.
 */
public record HierarchicalHistory(TreeShape shape, int minLevel) {

    /** The segment property that holds {@code minLevel}. */
    public static final String PROPERTY = "model.historyMinLevel";

    public HierarchicalHistory {
        if (minLevel < 1 || minLevel > shape.leafLevel()) {
            throw new IllegalArgumentException("the hierarchical history's minimum level must be from 1 to the leaf level "
                    + shape.leafLevel() + ", got " + minLevel);
        }
    }

    /** The history read from {@code properties}, or null when the index has none. */
    public static HierarchicalHistory fromProperties(TreeShape shape, Map<String, String> properties) {
        String value = properties.get(PROPERTY);
        if (value == null) {
            return null;
        }
        try {
            return new HierarchicalHistory(shape, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("property " + PROPERTY + " must be a level, got '" + value + "'", e);
        }
    }

    /** The level whose ancestors stand for the history when scoring nodes of {@code nodeLevel}. */
    public int historyLevel(int nodeLevel) {
        return Math.max(nodeLevel, minLevel);
    }

    /**
     * Writes into {@code out} each of {@code leafHistory}'s nodes replaced by its ancestor on {@code level}; empty slots
     * ({@code -1}) stay empty.
     */
    public void map(int[] leafHistory, int level, int[] out) {
        int up = shape.leafLevel() - level;
        for (int i = 0; i < leafHistory.length; i++) {
            int node = leafHistory[i];
            for (int l = 0; l < up && node >= 0; l++) {
                node = shape.parent(node);
            }
            out[i] = node;
        }
    }
}
