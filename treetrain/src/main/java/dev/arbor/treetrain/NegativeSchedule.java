package dev.arbor.treetrain;

import java.util.Arrays;

/**
 * Negatives drawn per tree level for each training sample. The TDM paper's schedule for its
 * 23-level Taobao tree grows from 0 at the root to 200 at the leaves; {@link #paper} stretches that shape
 * over a tree of any depth and scales it, and every count is capped at the level's non-empty nodes
 * minus the positive.
 */
public record NegativeSchedule(int[] perLevel) {
    /** The paper's counts, root first. */
    public static final int[] PAPER = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 19, 22, 25, 30, 76, 200};

    public NegativeSchedule {
        perLevel = perLevel.clone();
        for (int c : perLevel) {
            if (c < 0) {
                throw new IllegalArgumentException("negative counts must be >= 0: " + Arrays.toString(perLevel));
            }
        }
    }

    /** The paper's shape over {@code levels} levels, each count multiplied by {@code scale} (rounded, >= 1 below the root). */
    public static NegativeSchedule paper(int levels, double scale) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("negative scale must be > 0, got " + scale);
        }
        int[] counts = new int[levels];
        for (int l = 0; l < levels; l++) {
            int index = levels == 1 ? PAPER.length - 1 : (int) Math.round(l * (PAPER.length - 1.0) / (levels - 1));
            counts[l] = PAPER[index] == 0 ? 0 : Math.max(1, (int) Math.round(PAPER[index] * scale));
        }
        return new NegativeSchedule(counts);
    }

    /** Parses "0,1,2,...": one count per level, root first; must match the tree's depth. */
    public static NegativeSchedule parse(String text, int levels) {
        String[] parts = text.split(",");
        if (parts.length != levels) {
            throw new IllegalArgumentException("--negatives lists " + parts.length + " counts but the tree has " + levels
                    + " levels");
        }
        int[] counts = new int[levels];
        for (int i = 0; i < levels; i++) {
            try {
                counts[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--negatives: element " + (i + 1) + " \"" + parts[i].trim()
                        + "\" is not a count");
            }
        }
        return new NegativeSchedule(counts);
    }

    public int count(int level) {
        return perLevel[level];
    }

    @Override
    public String toString() {
        return Arrays.toString(perLevel);
    }
}
