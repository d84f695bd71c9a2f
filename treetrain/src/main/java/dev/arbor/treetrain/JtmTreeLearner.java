package dev.arbor.treetrain;

import dev.arbor.format.HierarchicalHistory;
import dev.arbor.format.TreeShape;
import dev.arbor.progress.ProgressListener;
import dev.arbor.scorer.LevelScorer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JTM's tree learning (arXiv 1902.07565, Algorithm 2): a new item-to-leaf map that maximises the trained model's own
 * log-likelihood, {@code sum over samples (u, c) and levels j of log p(b_j(pi(c)) | u)}.
 *
 * <p>Items are placed from the root down, {@code gap} levels at a time. At a node {@code n} of level {@code s} each
 * item under it scores, with every one of its samples, all of {@code n}'s descendants on levels {@code s+1 .. e}
 * ({@code e = min(s + gap, leafLevel - 1)}); the item's objective for a descendant {@code m} at level {@code e} is the
 * sum of {@code log sigmoid(score)} along the path from {@code n} to {@code m}, over its samples. Each item goes to its
 * best {@code m} that has room: a node holds at most as many items as it has leaves below it. When a node overflows,
 * the items that were under it in the old tree keep their place first, then those with the highest objective; the
 * rest move to their next best node (lazy rebalancing, as the authors describe it).
 *
 * <p>The leaf level is left out of the objective: a leaf's embedding is its item's and moves with it, so every leaf
 * under a parent scores the same. Under its parent an item keeps its old leaf when it can, and otherwise takes the
 * first free one.
 *
 * <p>Parallel: while a level has fewer nodes with items than threads, each node's items are split across the threads;
 * from the first level with enough nodes, each subtree runs to the bottom as its own task. Every item's objective is a
 * sum in a fixed order, so the tree does not depend on the thread count.
 */
public final class JtmTreeLearner {

    /** The largest number of candidate nodes per item and step ({@code branching^gap}): the objective is held in full. */
    static final int MAX_CANDIDATES = 1 << 12;

    /** The training samples that score each item's candidates, and each sample's history. */
    public interface ItemSamples {
        /** Samples of item {@code item} that count towards its objective. */
        int count(int item);

        /**
         * Writes the history of item {@code item}'s {@code k}-th sample into {@code out}: embedding rows of the
         * model's table (the nodes of the tree the model was trained on), {@code -1} for an empty slot.
         */
        void history(int item, int k, int[] out);
    }

    /**
     * What learning did.
     *
     * @param itemToLeaf the new leaf of each item
     * @param nodeScores (sample, node) scores the objective needed
     * @param moved      items whose leaf changed
     * @param objective  the learnt tree's objective over the inner levels, as this learner measures it
     * @param seconds    wall time
     */
    public record Result(int[] itemToLeaf, long nodeScores, int moved, double objective, double seconds) {
    }

    private final TreeShape shape;
    private final int[] oldItemToLeaf;
    private final LevelScorer scorer;
    private final ItemSamples samples;
    private final int gap;
    private final int threads;
    /** Null when the model reads the history's leaves at every level. */
    private final HierarchicalHistory hierarchy;
    private final int lastLevel;
    private final int[] newItemToLeaf;
    private final AtomicLong nodeScores = new AtomicLong();
    /** Summed over the steps, each item's objective at the node it was given (a double per item per step). */
    private final double[] objectiveOfItem;

    private JtmTreeLearner(TreeShape shape, int[] oldItemToLeaf, LevelScorer scorer, ItemSamples samples, int gap,
                           int threads, HierarchicalHistory hierarchy) {
        this.hierarchy = hierarchy;
        this.shape = shape;
        this.oldItemToLeaf = oldItemToLeaf;
        this.scorer = scorer;
        this.samples = samples;
        this.gap = gap;
        this.threads = threads;
        this.lastLevel = shape.leafLevel() - 1;
        this.newItemToLeaf = new int[oldItemToLeaf.length];
        this.objectiveOfItem = new double[oldItemToLeaf.length];
    }

    /**
     * Learns a new tree of the same shape for the items of {@code oldItemToLeaf}, scoring with {@code scorer} (the
     * trained model, frozen).
     *
     * @param gap     levels assigned per step, the paper's d: from 1 up to the tree's depth below the root
     * @param threads workers
     */
    public static Result learn(TreeShape shape, int[] oldItemToLeaf, LevelScorer scorer, ItemSamples samples, int gap,
                               int threads, ProgressListener progress) {
        return learn(shape, oldItemToLeaf, scorer, samples, gap, threads, null, progress);
    }

    /**
     * As above, for a model that reads the history by level ({@code hierarchy}, or null for the leaves at every
     * level): each level's nodes are scored against the samples' histories mapped to the level it reads.
     */
    public static Result learn(TreeShape shape, int[] oldItemToLeaf, LevelScorer scorer, ItemSamples samples, int gap,
                               int threads, HierarchicalHistory hierarchy, ProgressListener progress) {
        if (gap < 1) {
            throw new IllegalArgumentException("--jtm-gap must be at least 1 level, got " + gap);
        }
        if (gap > shape.leafLevel()) {
            throw new IllegalArgumentException("--jtm-gap " + gap + " is deeper than the tree, which has "
                    + shape.leafLevel() + " levels below the root");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        long widest = 1;
        for (int j = 0; j < Math.min(gap, Math.max(1, shape.leafLevel() - 1)); j++) {
            widest *= shape.branching();
        }
        if (widest > MAX_CANDIDATES) {
            throw new IllegalArgumentException("--jtm-gap " + gap + " gives each item " + widest + " candidate nodes per"
                    + " step at branching " + shape.branching() + "; the most is " + MAX_CANDIDATES + ": use a smaller gap");
        }
        if (oldItemToLeaf.length != shape.itemCount()) {
            throw new IllegalArgumentException("the tree holds " + shape.itemCount() + " items, the map has "
                    + oldItemToLeaf.length);
        }
        long started = System.nanoTime();
        JtmTreeLearner learner = new JtmTreeLearner(shape, oldItemToLeaf, scorer, samples, gap, threads, hierarchy);
        learner.run(progress);
        int moved = 0;
        double objective = 0;
        for (int item = 0; item < oldItemToLeaf.length; item++) {
            moved += learner.newItemToLeaf[item] != oldItemToLeaf[item] ? 1 : 0;
            objective += learner.objectiveOfItem[item];
        }
        return new Result(learner.newItemToLeaf, learner.nodeScores.get(), moved, objective,
                (System.nanoTime() - started) / 1e9);
    }

    private void run(ProgressListener progress) {
        List<int[]> frontierItems = new ArrayList<>();
        List<Integer> frontierNodes = new ArrayList<>();
        int[] all = new int[oldItemToLeaf.length];
        Arrays.setAll(all, i -> i);
        frontierItems.add(all);
        frontierNodes.add(0);
        int level = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "jtm-tree-learner");
            t.setDaemon(true);
            return t;
        });
        try {
            // Near the root: few nodes, so the threads share each node's items.
            while (level < lastLevel && frontierNodes.size() < threads) {
                int end = Math.min(level + gap, lastLevel);
                long t = System.nanoTime();
                long before = nodeScores.get();
                List<int[]> nextItems = new ArrayList<>();
                List<Integer> nextNodes = new ArrayList<>();
                for (int i = 0; i < frontierNodes.size(); i++) {
                    int node = frontierNodes.get(i);
                    int[][] children = step(node, level, end, frontierItems.get(i), pool);
                    addNonEmpty(children, firstDescendant(node, level, end), nextItems, nextNodes);
                }
                progress.message(String.format("jtm: levels %d-%d: %,d nodes, %,d node scores in %.1f s", level + 1, end,
                        frontierNodes.size(), nodeScores.get() - before, (System.nanoTime() - t) / 1e9));
                frontierItems = nextItems;
                frontierNodes = nextNodes;
                level = end;
            }
            // Further down: whole subtrees as tasks, each run to the bottom on one thread.
            long t = System.nanoTime();
            long before = nodeScores.get();
            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < frontierNodes.size(); i++) {
                int node = frontierNodes.get(i);
                int[] items = frontierItems.get(i);
                int from = level;
                tasks.add(pool.submit(() -> subtree(node, from, items)));
            }
            for (Future<?> f : tasks) {
                f.get();
            }
            if (level < lastLevel) {
                progress.message(String.format("jtm: levels %d-%d: %,d subtrees, %,d node scores in %.1f s", level + 1,
                        lastLevel, frontierNodes.size(), nodeScores.get() - before, (System.nanoTime() - t) / 1e9));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while learning the tree", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("tree learning failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Assigns {@code items} from {@code node} at {@code level} down to their leaves, on the calling thread. */
    private void subtree(int node, int level, int[] items) {
        if (level == lastLevel) {
            placeLeaves(node, items);
            return;
        }
        int end = Math.min(level + gap, lastLevel);
        int[][] children = step(node, level, end, items, null);
        int first = firstDescendant(node, level, end);
        for (int c = 0; c < children.length; c++) {
            if (children[c].length > 0) {
                subtree(first + c, end, children[c]);
            }
        }
    }

    /**
     * One step of Algorithm 2 at {@code node}: each item's objective over the node's descendants at {@code end}, then
     * the capacity-bound assignment. Returns the items of each descendant, in descendant order. With a pool, the items
     * are scored in parallel chunks.
     */
    int[][] step(int node, int level, int end, int[] items, ExecutorService pool) {
        int width = pow(shape.branching(), end - level);
        float[] objective = new float[items.length * width];
        if (pool == null || items.length < 2 * threads) {
            new Scratch(width).score(node, level, end, items, 0, items.length, objective);
        } else {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) items.length * t / threads);
                int to = (int) ((long) items.length * (t + 1) / threads);
                parts.add(pool.submit(() -> new Scratch(width).score(node, level, end, items, from, to, objective)));
            }
            try {
                for (Future<?> f : parts) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while learning the tree", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        int first = firstDescendant(node, level, end);
        int[] oldChoice = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            int oldAncestor = shape.ancestorAt(shape.leafNode(oldItemToLeaf[items[i]]), end);
            int c = oldAncestor - first;
            oldChoice[i] = c >= 0 && c < width ? c : -1;
        }
        int capacity = pow(shape.branching(), shape.leafLevel() - end);
        int[] chosen = Rebalancer.assign(objective, width, oldChoice, capacity);
        int[] counts = new int[width];
        for (int i = 0; i < items.length; i++) {
            counts[chosen[i]]++;
            objectiveOfItem[items[i]] += objective[i * width + chosen[i]];
        }
        int[][] children = new int[width][];
        for (int c = 0; c < width; c++) {
            children[c] = new int[counts[c]];
            counts[c] = 0;
        }
        for (int i = 0; i < items.length; i++) {
            int c = chosen[i];
            children[c][counts[c]++] = items[i];
        }
        return children;
    }

    /** Under parent {@code node} (one level above the leaves): old leaves first where they are here, then free ones. */
    private void placeLeaves(int node, int[] items) {
        int b = shape.branching();
        int firstLeaf = shape.firstChild(node) - shape.firstLeaf();
        boolean[] taken = new boolean[b];
        boolean[] placed = new boolean[items.length];
        for (int i = 0; i < items.length; i++) {
            int c = oldItemToLeaf[items[i]] - firstLeaf;
            if (c >= 0 && c < b && !taken[c]) {
                taken[c] = true;
                placed[i] = true;
                newItemToLeaf[items[i]] = firstLeaf + c;
            }
        }
        int free = 0;
        for (int i = 0; i < items.length; i++) {
            if (!placed[i]) {
                while (taken[free]) {
                    free++;
                }
                taken[free] = true;
                newItemToLeaf[items[i]] = firstLeaf + free;
            }
        }
    }

    /** Appends each non-empty descendant and its items to the next frontier. */
    private static void addNonEmpty(int[][] children, int first, List<int[]> items, List<Integer> nodes) {
        for (int c = 0; c < children.length; c++) {
            if (children[c].length > 0) {
                items.add(children[c]);
                nodes.add(first + c);
            }
        }
    }

    /** The first of {@code node}'s descendants on level {@code end}; they are contiguous in level order. */
    private int firstDescendant(int node, int level, int end) {
        int first = node;
        for (int l = level; l < end; l++) {
            first = shape.firstChild(first);
        }
        return first;
    }

    private static int pow(int base, int exponent) {
        int p = 1;
        for (int i = 0; i < exponent; i++) {
            p *= base;
        }
        return p;
    }

    /** One thread's buffers for scoring items' candidates: a prepared user, a step's nodes and path sums. */
    private final class Scratch {
        final LevelScorer.User user = scorer.newUser();
        final int[] history = new int[scorer.historyLength()];
        final int[] levelHistory = new int[history.length];
        final int[] nodes;
        final float[] scores;
        final double[] path;
        final double[] sum;

        Scratch(int width) {
            // Every level of a step in one batch: b + b^2 + ... + width nodes, fewer than 2 * width.
            nodes = new int[2 * width];
            scores = new float[2 * width];
            path = new double[2 * width];
            sum = new double[width];
        }

        /**
         * The step's nodes scored level by level, each against the history as its level reads it, prepared once per
         * history level.
         */
        private void scoreByHistoryLevel(int level, int end) {
            int prepared = -1;
            for (int l = level + 1, offset = 0, size = shape.branching(); l <= end; l++, offset += size,
                    size *= shape.branching()) {
                int historyLevel = hierarchy.historyLevel(l);
                if (historyLevel != prepared) {
                    hierarchy.map(history, historyLevel, levelHistory);
                    scorer.prepare(user, levelHistory);
                    prepared = historyLevel;
                }
                scorer.score(user, nodes, offset, size, scores, offset);
            }
        }

        /** Objectives of {@code items[from, to)} over the {@code width} descendants of {@code node} on {@code end}. */
        void score(int node, int level, int end, int[] items, int from, int to, float[] objective) {
            int width = sum.length;
            int b = shape.branching();
            // The step's nodes level by level, so that the parent of the q-th (q >= b) is the (q / b - 1)-th.
            int count = 0;
            for (int l = level + 1, first = node, size = 1; l <= end; l++) {
                first = shape.firstChild(first);
                size *= b;
                for (int c = 0; c < size; c++) {
                    nodes[count++] = first + c;
                }
            }
            long scored = 0;
            for (int i = from; i < to; i++) {
                int item = items[i];
                Arrays.fill(sum, 0);
                int n = samples.count(item);
                for (int k = 0; k < n; k++) {
                    samples.history(item, k, history);
                    if (hierarchy == null) {
                        scorer.prepare(user, history);
                        scorer.score(user, nodes, 0, count, scores, 0);
                    } else {
                        scoreByHistoryLevel(level, end);
                    }
                    scored += count;
                    // path[q] is the log-likelihood from node down to the q-th scored node: its parent's plus its own.
                    for (int q = 0; q < b; q++) {
                        path[q] = logSigmoid(scores[q]);
                    }
                    for (int q = b; q < count; q++) {
                        path[q] = path[q / b - 1] + logSigmoid(scores[q]);
                    }
                    for (int c = 0; c < width; c++) {
                        sum[c] += path[count - width + c];
                    }
                }
                for (int c = 0; c < width; c++) {
                    objective[i * width + c] = (float) sum[c];
                }
            }
            nodeScores.addAndGet(scored);
        }
    }

    /** {@code log(1 / (1 + e^-s))}, stable for large |s|. */
    static double logSigmoid(double s) {
        return -(Math.max(-s, 0.0) + Math.log1p(Math.exp(-Math.abs(s))));
    }
}
