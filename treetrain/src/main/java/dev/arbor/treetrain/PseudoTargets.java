package dev.arbor.treetrain;

import dev.arbor.format.TreeShape;
import dev.arbor.scorer.LevelScorer;
import dev.arbor.search.SearchableTree;
import java.util.Arrays;

/**
 * OTM's labels for one sample at a time (arXiv 2006.15408, Algorithm 1). A leaf's pseudo-target is 1 iff its item is
 * in the sample's label set; an inner node takes the pseudo-target of its non-empty child that the model scores
 * highest (ties to the lower node id, as beam search breaks them): the paper's estimate of the optimal target under
 * beam search. Only nodes on a label's path can be 1, so only they are tracked, at most {@code maxLabels} per level
 * with their children's scores; every other node is 0.
 *
 * <p>The children's scores come from the sample's beam search where it scored them ({@link #offer}), and the rest
 * from one batch of the same scorer ({@link #compute}). Per-thread scratch: nothing allocates after construction.
 */
final class PseudoTargets {
    private final SearchableTree tree;
    private final TreeShape shape;
    private final int startLevel, maxLabels, branching;
    /** Per level, the distinct nodes on a label's path: {@code paths[level * maxLabels + i]}, i < counts[level]. */
    private final int[] paths, counts;
    /** Per path node, its children's scores and whether they are known. */
    private final float[] childScores;
    private final boolean[] childScored;
    private final boolean[] targets;
    /** Children no search scored: node and slot in {@link #childScores}. */
    private final int[] missing, missingSlot;
    private final float[] missingScores;

    PseudoTargets(SearchableTree tree, int startLevel, int maxLabels) {
        this.tree = tree;
        this.shape = tree.shape();
        this.startLevel = startLevel;
        this.maxLabels = maxLabels;
        this.branching = shape.branching();
        int slots = shape.levels() * maxLabels;
        paths = new int[slots];
        counts = new int[shape.levels()];
        childScores = new float[slots * branching];
        childScored = new boolean[slots * branching];
        targets = new boolean[slots];
        missing = new int[slots * branching];
        missingSlot = new int[slots * branching];
        missingScores = new float[slots * branching];
    }

    /** Starts a sample: the paths of {@code items[0 .. count)}'s leaves, from the leaves up to the start level. */
    void begin(int[] items, int count) {
        if (count < 1 || count > maxLabels) {
            throw new IllegalArgumentException("a sample has 1 to " + maxLabels + " labels, got " + count);
        }
        Arrays.fill(counts, 0);
        for (int i = 0; i < count; i++) {
            int node = shape.leafNode(tree.leafOf(items[i]));
            for (int level = shape.leafLevel(); level >= startLevel && indexOf(level, node) < 0; level--) {
                int slot = level * maxLabels + counts[level]++;
                paths[slot] = node;
                Arrays.fill(childScored, slot * branching, (slot + 1) * branching, false);
                node = shape.parent(node);
            }
        }
    }

    /** Where {@code node} is among {@code level}'s path nodes, or -1 when it is on no label's path. */
    int indexOf(int level, int node) {
        int base = level * maxLabels;
        for (int i = 0; i < counts[level]; i++) {
            if (paths[base + i] == node) {
                return i;
            }
        }
        return -1;
    }

    /** Takes scores of {@code level}'s nodes that a search computed, so that {@link #compute} need not again. */
    void offer(int level, int[] nodes, float[] scores, int count) {
        if (level <= startLevel) {
            return;
        }
        for (int i = 0; i < count; i++) {
            int parent = shape.parent(nodes[i]);
            int index = indexOf(level - 1, parent);
            if (index >= 0) {
                int slot = ((level - 1) * maxLabels + index) * branching + nodes[i] - shape.firstChild(parent);
                childScores[slot] = scores[i];
                childScored[slot] = true;
            }
        }
    }

    /**
     * Computes the pseudo-targets bottom-up. Children that {@link #offer} did not cover are scored in one batch with
     * {@code user}, prepared here for {@code historyNodes} only when there are any.
     */
    void compute(LevelScorer scorer, LevelScorer.User user, int[] historyNodes) {
        int n = 0;
        for (int level = startLevel; level < shape.leafLevel(); level++) {
            for (int i = 0; i < counts[level]; i++) {
                int slot = level * maxLabels + i, first = shape.firstChild(paths[slot]);
                for (int c = 0; c < branching; c++) {
                    if (!childScored[slot * branching + c] && tree.nonEmpty(first + c)) {
                        missing[n] = first + c;
                        missingSlot[n++] = slot * branching + c;
                    }
                }
            }
        }
        if (n > 0) {
            scorer.prepare(user, historyNodes);
            scorer.score(user, missing, 0, n, missingScores, 0);
            for (int i = 0; i < n; i++) {
                childScores[missingSlot[i]] = missingScores[i];
                childScored[missingSlot[i]] = true;
            }
        }
        int leaves = shape.leafLevel() * maxLabels;
        Arrays.fill(targets, leaves, leaves + counts[shape.leafLevel()], true);
        for (int level = shape.leafLevel() - 1; level >= startLevel; level--) {
            for (int i = 0; i < counts[level]; i++) {
                int slot = level * maxLabels + i, first = shape.firstChild(paths[slot]), best = -1;
                for (int c = 0; c < branching; c++) {
                    if (tree.nonEmpty(first + c) && (best < 0
                            || childScores[slot * branching + c] > childScores[slot * branching + best])) {
                        best = c;
                    }
                }
                int next = indexOf(level + 1, first + best);
                targets[slot] = next >= 0 && targets[(level + 1) * maxLabels + next];
            }
        }
    }

    /**
     * The label of {@code node} on {@code level}: with {@code pseudo}, its pseudo-target (after {@link #compute});
     * without, 1 for a node on a label's path (TDM's labels).
     */
    int label(int level, int node, boolean pseudo) {
        int index = indexOf(level, node);
        return index >= 0 && (!pseudo || targets[level * maxLabels + index]) ? 1 : 0;
    }

    /** The path nodes of {@code level}, for samplers that train on them: {@code out[from ..]}; returns their count. */
    int paths(int level, int[] out, int from) {
        System.arraycopy(paths, level * maxLabels, out, from, counts[level]);
        return counts[level];
    }
}
