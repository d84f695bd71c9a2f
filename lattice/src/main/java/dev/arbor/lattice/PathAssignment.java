package dev.arbor.lattice;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.Arrays;

/**
 * The M-step's path assignment: each item's {@code J} paths, chosen from its candidates in {@link PathScores} by the
 * paper's coordinate descent with a penalty on path sizes (section 3, "Solving the M-step using coordinate descent",
 * and its Algorithm 2).
 *
 * <p>The M-step maximises {@code Σ_v N_v·log(Σ_j s[v, π_j(v)]) − α·Σ_c f(|c|)} with {@code f(x) = x⁴/4}, where
 * {@code N_v} is the number of samples of item {@code v} and {@code |c|} the number of items on path {@code c}. Items
 * are taken one at a time, the others' paths held fixed, and an item's paths one slot at a time: with
 * {@code σ = Σ_{i<j} s[v, π_i(v)]} the scores of the paths it already took, slot {@code j} takes, among the candidates
 * not yet taken, the path {@code c} with the largest incremental gain
 * <pre>
 *     N_v·(log(σ + s[v, c]) − log σ) − α·(f(|c| + 1) − f(|c|))
 * </pre>
 * and {@code |c|} grows by one. The term {@code −N_v·log σ} is the same for every candidate, so the choice is the
 * largest {@code N_v·log(σ + s[v, c]) − α·(f(|c| + 1) − f(|c|))}, which also settles the first slot, where {@code σ = 0}
 * makes every candidate's gain infinite. Equal gains go to the candidate ranked first in {@link PathScores} (higher
 * score, then smaller key).
 *
 * <p>Items are taken in ordinal order, {@code passes} times over (the paper finds three to five enough); in a pass
 * after the first, an item's old {@code j}-th path leaves the size counts just before slot {@code j} is chosen again, as
 * Algorithm 2 does. An item with fewer than {@code J} candidates takes all of them, one with none (no samples) takes
 * no path: the caller decides what such an item gets. Deterministic; not thread-safe (it runs once per M-step).
 */
public final class PathAssignment {
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private final int pathsPerItem;
    /** Item {@code v}'s paths are {@code paths[v·J .. v·J + counts[v])}, in the order they were chosen. */
    private final long[] paths;
    private final int[] counts;
    private final PathSizes sizes;

    private PathAssignment(int pathsPerItem, long[] paths, int[] counts, PathSizes sizes) {
        this.pathsPerItem = pathsPerItem;
        this.paths = paths;
        this.counts = counts;
        this.sizes = sizes;
    }

    /**
     * Assigns each item of {@code scores} up to {@code pathsPerItem} (J) distinct paths with size penalty {@code alpha}
     * (α ≥ 0; the paper uses 3e-5 to 3e-7), over {@code passes} passes.
     */
    public static PathAssignment assign(PathScores scores, int pathsPerItem, double alpha, int passes) {
        if (pathsPerItem < 1) {
            throw new IllegalArgumentException("paths per item (J) must be >= 1, got " + pathsPerItem);
        }
        if (!(alpha >= 0 && alpha < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("penalty factor (α) must be finite and >= 0, got " + alpha);
        }
        if (passes < 1) {
            throw new IllegalArgumentException("passes must be >= 1, got " + passes);
        }
        int items = scores.items();
        if ((long) items * pathsPerItem > MAX_ARRAY) {
            throw new IllegalArgumentException(items + " items × " + pathsPerItem + " paths exceed the largest array");
        }
        long[] paths = new long[items * pathsPerItem];
        int[] counts = new int[items];
        Long2IntOpenHashMap size = new Long2IntOpenHashMap();
        boolean[] taken = new boolean[scores.capacity()];
        for (int pass = 0; pass < passes; pass++) {
            for (int item = 0; item < items; item++) {
                int candidates = scores.candidates(item);
                int slots = Math.min(pathsPerItem, candidates);
                double weight = scores.samples(item);
                double partial = 0;
                for (int slot = 0, at = item * pathsPerItem; slot < slots; slot++, at++) {
                    if (pass > 0 && size.addTo(paths[at], -1) == 1) {
                        size.remove(paths[at]);
                    }
                    int best = -1;
                    double bestGain = 0;
                    for (int rank = 0; rank < candidates; rank++) {
                        if (taken[rank]) {
                            continue;
                        }
                        double gain = weight * Math.log(partial + scores.score(item, rank))
                                - alpha * penaltyIncrement(size.get(scores.key(item, rank)));
                        if (best < 0 || gain > bestGain) {
                            best = rank;
                            bestGain = gain;
                        }
                    }
                    taken[best] = true;
                    paths[at] = scores.key(item, best);
                    size.addTo(paths[at], 1);
                    partial += scores.score(item, best);
                }
                counts[item] = slots;
                Arrays.fill(taken, 0, candidates, false);
            }
        }
        int shortItems = 0;
        for (int count : counts) {
            if (count < pathsPerItem) {
                shortItems++;
            }
        }
        return new PathAssignment(pathsPerItem, paths, counts, PathSizes.of(size.values().toIntArray(), shortItems));
    }

    /** {@code f(n + 1) − f(n)} for {@code f(x) = x⁴/4}: what one more item on a path of {@code n} costs. */
    static double penaltyIncrement(int n) {
        double now = (double) n * n * n * n, next = (n + 1.0) * (n + 1.0) * (n + 1.0) * (n + 1.0);
        return (next - now) / 4;
    }

    public int items() {
        return counts.length;
    }

    /** J, the most paths an item has. */
    public int pathsPerItem() {
        return pathsPerItem;
    }

    /** How many paths {@code item} has: J, or fewer when it had fewer candidates. */
    public int pathCount(int item) {
        return counts[checkItem(item)];
    }

    /** The key of {@code item}'s {@code j}-th path, in the order the greedy chose them. */
    public long path(int item, int j) {
        if (j < 0 || j >= counts[checkItem(item)]) {
            throw new IndexOutOfBoundsException("path " + j + " outside item " + item + "'s " + counts[item] + " paths");
        }
        return paths[item * pathsPerItem + j];
    }

    /** The path sizes this assignment leaves. */
    public PathSizes sizes() {
        return sizes;
    }

    private int checkItem(int item) {
        if (item < 0 || item >= counts.length) {
            throw new IllegalArgumentException("item " + item + " outside [0, " + counts.length + ")");
        }
        return item;
    }
}
