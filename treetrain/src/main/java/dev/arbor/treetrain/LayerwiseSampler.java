package dev.arbor.treetrain;

import dev.arbor.format.TreeShape;
import dev.arbor.dataset.TrainingSamples;
import dev.arbor.nn.Batch;
import java.util.SplittableRandom;

/**
 * TDM's layer-wise training pairs for one target item: at every level from {@code startLevel} to the
 * leaves, the target leaf's ancestor is a positive and {@link NegativeSchedule#count} other non-empty
 * nodes of that level are negatives, drawn uniformly or in proportion to how often their items occur.
 * A negative is never the positive of its level. Candidate rows are node ids (the model's embedding
 * table has one row per node).
 */
public final class LayerwiseSampler implements PairSampler {
    private final TreeShape shape;
    private final int[] itemToLeaf;
    private final NegativeSchedule schedule;
    private final int startLevel;
    /** Per level: its non-empty nodes, and for frequency sampling their cumulative weights. */
    private final int[][] levelNodes;
    private final long[][] cumulative;

    /**
     * @param itemFrequency occurrences of each item in the training data, or null for uniform negatives
     */
    public LayerwiseSampler(TreeShape shape, int[] itemToLeaf, NegativeSchedule schedule, int startLevel,
                            long[] itemFrequency) {
        if (schedule.perLevel().length != shape.levels()) {
            throw new IllegalArgumentException("schedule has " + schedule.perLevel().length + " levels, tree has "
                    + shape.levels());
        }
        if (startLevel < 0 || startLevel >= shape.levels()) {
            throw new IllegalArgumentException("start level must be in [0, " + shape.levels() + "), got " + startLevel);
        }
        this.shape = shape;
        this.itemToLeaf = itemToLeaf;
        this.schedule = schedule;
        this.startLevel = startLevel;
        long[] weight = new long[shape.nodeCount()];
        for (int item = 0; item < itemToLeaf.length; item++) {
            long w = itemFrequency == null ? 1 : Math.max(1, itemFrequency[item]);
            for (int node = shape.leafNode(itemToLeaf[item]); ; node = shape.parent(node)) {
                weight[node] += w;
                if (node == 0) {
                    break;
                }
            }
        }
        levelNodes = new int[shape.levels()][];
        cumulative = itemFrequency == null ? null : new long[shape.levels()][];
        for (int l = 0; l < shape.levels(); l++) {
            int start = shape.levelStart(l), size = shape.levelSize(l), n = 0;
            int[] nodes = new int[size];
            for (int node = start; node < start + size; node++) {
                if (weight[node] > 0) {
                    nodes[n++] = node;
                }
            }
            levelNodes[l] = java.util.Arrays.copyOf(nodes, n);
            if (cumulative != null) {
                long[] c = new long[n];
                long sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += weight[levelNodes[l][i]];
                    c[i] = sum;
                }
                cumulative[l] = c;
            }
        }
    }

    @Override
    public void addPairs(Batch batch, TrainingSamples samples, int sample, int[] historyNodes, SplittableRandom random) {
        addPairs(batch, samples.target(sample), random);
    }

    /** Adds the positive and negatives of every level for {@code targetItem} to the batch's current group. */
    public void addPairs(Batch batch, int targetItem, SplittableRandom random) {
        int positive = shape.leafNode(itemToLeaf[targetItem]);
        for (int level = shape.leafLevel(); level >= startLevel; level--, positive = shape.parent(positive)) {
            batch.addCandidate(positive, 1);
            addNegatives(batch, level, positive, null, 0, 0, random);
        }
    }

    /**
     * Adds {@code level}'s negatives to the batch's current group: the scheduled count, at most the level's non-empty
     * nodes that are not positives, none of them {@code positive} or one of {@code morePositives[from, from + count)}
     * (null when {@code count} is 0). OTM's sampled ablation has several positives per level.
     */
    void addNegatives(Batch batch, int level, int positive, int[] morePositives, int from, int count,
                      SplittableRandom random) {
        int[] nodes = levelNodes[level];
        int negatives = Math.min(schedule.count(level), nodes.length - 1 - count);
        for (int i = 0; i < negatives; i++) {
            int node;
            do {
                node = cumulative == null ? nodes[random.nextInt(nodes.length)] : weighted(level, random);
            } while (node == positive || contains(morePositives, from, count, node));
            batch.addCandidate(node, 0);
        }
    }

    private static boolean contains(int[] nodes, int from, int count, int node) {
        for (int i = from; i < from + count; i++) {
            if (nodes[i] == node) {
                return true;
            }
        }
        return false;
    }

    /** Pairs per sample, for sizing and progress. */
    @Override
    public int pairsPerSample() {
        int pairs = 0;
        for (int l = startLevel; l < shape.levels(); l++) {
            pairs += 1 + Math.min(schedule.count(l), levelNodes[l].length - 1);
        }
        return pairs;
    }

    private int weighted(int level, SplittableRandom random) {
        long[] c = cumulative[level];
        long target = random.nextLong(c[c.length - 1]);
        int lo = 0, hi = c.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (c[mid] > target) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return levelNodes[level][lo];
    }
}
