package dev.arbor.search;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.scorer.LevelScorer;
import java.util.Arrays;
import org.agrona.collections.IntHashSet;

/**
 * Per-thread, reusable state of one query: the history, exclusions, filter and every scratch buffer of
 * the search. Set a query up with {@link #reset()} and the setters, then hand it to
 * {@link BeamSearcher}. After the first queries have sized the buffers nothing here allocates.
 */
public final class SearchContext {
    final SearchableTree tree;
    final LevelScorer.User scoring;
    /** History slots (oldest first) as leaf node ids, -1 for empty. */
    final int[] historyNodes;
    /** The history as one level reads it, for an index with a hierarchical history. */
    final int[] levelHistory;
    final IntHashSet excluded = new IntHashSet();
    ItemFilter filter = ItemFilter.ALL;
    int[] candidates = new int[0];
    float[] candidateScores = new float[0];
    int[] beam = new int[0];
    float[] beamScores = new float[0];
    private TopK topK = new TopK(16);
    long scoredNodes;

    SearchContext(SearchableTree tree) {
        this.tree = tree;
        this.scoring = tree.scorer().newUser();
        this.historyNodes = new int[tree.scorer().historyLength()];
        this.levelHistory = new int[historyNodes.length];
        Arrays.fill(historyNodes, BehaviourWindows.PADDING);
    }

    /** Clears history, exclusions and filter. */
    public SearchContext reset() {
        Arrays.fill(historyNodes, BehaviourWindows.PADDING);
        excluded.clear();
        filter = ItemFilter.ALL;
        return this;
    }

    /**
     * Sets the user's behaviours by external item id, most recent last; only the last
     * {@code historyLength} count. Unknown ids fail with the id in the message.
     */
    public SearchContext history(long[] itemIds, int count) {
        int slots = historyNodes.length;
        for (int slot = beginHistory(count, itemIds.length); slot < slots; slot++) {
            historyNodes[slot] = leafNode(ordinalOf(itemIds[count - slots + slot]));
        }
        return this;
    }

    /** Sets the user's behaviours by item ordinal, most recent last. */
    public SearchContext historyOrdinals(int[] ordinals, int count) {
        int slots = historyNodes.length;
        for (int slot = beginHistory(count, ordinals.length); slot < slots; slot++) {
            historyNodes[slot] = leafNode(checkOrdinal(ordinals[count - slots + slot]));
        }
        return this;
    }

    /**
     * Sets the history slots as they are, oldest first: leaf node ids, {@code -1} for an empty slot. Training holds its
     * samples' histories this way, already arranged in windows.
     */
    public SearchContext historyNodes(int[] slots) {
        if (slots.length != historyNodes.length) {
            throw new IllegalArgumentException("history must have " + historyNodes.length + " slots, got " + slots.length);
        }
        int firstLeaf = tree.shape().firstLeaf(), end = tree.shape().nodeCount();
        for (int node : slots) {
            if (node != BehaviourWindows.PADDING && (node < firstLeaf || node >= end)) {
                throw new IllegalArgumentException("history slot holds node " + node + ", not a leaf in [" + firstLeaf
                        + ", " + end + ") nor " + BehaviourWindows.PADDING + " for an empty slot");
            }
        }
        System.arraycopy(slots, 0, historyNodes, 0, slots.length);
        return this;
    }

    /** Empties the history and returns the first slot a history of {@code count} behaviours fills. */
    private int beginHistory(int count, int available) {
        if (count < 0 || count > available) {
            throw new IllegalArgumentException("history count must be in [0, " + available + "] (the array's length),"
                    + " got " + count);
        }
        Arrays.fill(historyNodes, BehaviourWindows.PADDING);
        return BehaviourWindows.firstFilledSlot(count, historyNodes.length);
    }

    private int leafNode(int ordinal) {
        return tree.shape().leafNode(tree.leafOf(ordinal));
    }

    /** Excludes an item by external id (unknown ids are ignored: they cannot be returned anyway). */
    public SearchContext exclude(long itemId) {
        int ordinal = tree.ordinalOf(itemId);
        if (ordinal >= 0) {
            excluded.add(ordinal);
        }
        return this;
    }

    public SearchContext excludeOrdinal(int ordinal) {
        excluded.add(checkOrdinal(ordinal));
        return this;
    }

    public SearchContext filter(ItemFilter itemFilter) {
        this.filter = itemFilter == null ? ItemFilter.ALL : itemFilter;
        return this;
    }

    /** Nodes scored by the last search: the work it did. */
    public long scoredNodes() {
        return scoredNodes;
    }

    private int ordinalOf(long id) {
        int ordinal = tree.ordinalOf(id);
        if (ordinal < 0) {
            throw new IllegalArgumentException("unknown item id " + id + " in history: not in "
                    + tree.describe());
        }
        return ordinal;
    }

    private int checkOrdinal(int ordinal) {
        if (ordinal < 0 || ordinal >= tree.itemCount()) {
            throw new IllegalArgumentException("item ordinal " + ordinal + " outside [0, " + tree.itemCount() + ")");
        }
        return ordinal;
    }

    boolean accepts(int ordinal) {
        return !excluded.contains(ordinal) && filter.accept(ordinal, tree.itemId(ordinal));
    }

    /** The selector, emptied and set to keep {@code k}; replaced only when a larger k than ever before comes. */
    TopK topK(int k) {
        if (topK.capacity() < k) {
            topK = new TopK(k);
        }
        topK.reset(k);
        return topK;
    }

    /** The selector as last set by {@link #topK(int)}. */
    TopK topK() {
        return topK;
    }

    void ensureCandidates(int n) {
        if (candidates.length < n) {
            candidates = new int[n];
            candidateScores = new float[n];
        }
    }

    void ensureBeam(int n) {
        if (beam.length < n) {
            beam = new int[n];
            beamScores = new float[n];
        }
    }
}
