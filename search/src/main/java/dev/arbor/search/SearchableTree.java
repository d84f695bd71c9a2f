package dev.arbor.search;

import dev.arbor.format.HierarchicalHistory;
import dev.arbor.format.TreeShape;
import dev.arbor.scorer.LevelScorer;

/**
 * A tree index as beam search sees it: the shape, which nodes hold items, the item of each leaf, item ids,
 * and the scorer of its nodes. A mapped segment is one; a tree in training is another.
 */
public interface SearchableTree {

    TreeShape shape();

    LevelScorer scorer();

    /** Whether any item lies at or below {@code node}. */
    boolean nonEmpty(int node);

    /** The ordinal of the item at leaf {@code leaf} (counted from the first leaf), or -1 for an empty leaf. */
    int itemAtLeaf(int leaf);

    /** The leaf (counted from the first leaf) that item {@code ordinal} sits at. */
    int leafOf(int ordinal);

    int itemCount();

    long itemId(int ordinal);

    /** The ordinal of {@code itemId}, or -1 when the index does not hold it. */
    int ordinalOf(long itemId);

    /**
     * How the model reads histories by level (JTM's hierarchical user preference), or null when it reads the leaves at
     * every level, as TDM does.
     */
    default HierarchicalHistory hierarchy() {
        return null;
    }

    /** Names the index in error messages: a segment's directory, for example. */
    String describe();
}
