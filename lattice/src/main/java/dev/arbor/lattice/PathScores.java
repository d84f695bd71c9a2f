package dev.arbor.lattice;

import dev.arbor.format.LatticeShape;
import it.unimi.dsi.fastutil.ints.IntArrays;
import it.unimi.dsi.fastutil.ints.IntComparator;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;

/**
 * The M-step's scores {@code s[v, c]}: for each item {@code v}, how much probability the model in training gives the
 * paths {@code c} on the item's samples, kept for at most {@code S} candidate paths per item (the paper, section 3,
 * "Remark on estimating s[v, c] with streaming training", after the Space-Saving counters of Metwally et al.).
 *
 * <p>For each training sample of item {@code v}, a beam search gives the top paths {@code c'} with their probabilities
 * {@code s'[c'] = p(c' | x)}; {@link #add} merges them into the item's recorded list:
 * <ol>
 *   <li>a path recorded and new: {@code s[v, c] ← η·s[v, c] + s'[c]};</li>
 *   <li>a path recorded only: {@code s[v, c] ← η·s[v, c]};</li>
 *   <li>a path new only: {@code s[v, c] ← η·min + s'[c]}, where {@code min} is the smallest recorded score when the
 *       list holds {@code S} paths (a path dropped earlier may have had up to that), and 0 while it holds fewer (no path
 *       has been dropped, so a path not recorded has scored nothing);</li>
 *   <li>the {@code S} highest scores of the union are kept, equal scores keeping the smaller path key.</li>
 * </ol>
 * With {@code η = 1} and never more than {@code S} distinct paths, {@code s[v, c]} is exactly the paper's
 * {@code Σ_{i: y_i = v} p(c | x_i)}. Each item's list is held best first. The number of samples {@code N_v} is counted
 * too: the assignment's objective weighs each item by it.
 *
 * <p>Not thread-safe: the merge shares its scratch. Feed it from one thread (or one instance per thread over disjoint
 * items). After the first merges have sized the scratch, {@link #add} allocates nothing.
 */
public final class PathScores {
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private final LatticeShape lattice;
    private final int items;
    private final int capacity;
    private final double decay;
    /** Item {@code v}'s candidates are slots {@code v·S .. v·S + counts[v])}, best first. */
    private final long[] keys;
    private final double[] scores;
    private final int[] counts;
    private final long[] samples;
    /** The merge's scratch: the union of the recorded and the new paths, and its order. */
    private long[] unionKeys = new long[0];
    private double[] unionScores = new double[0];
    private int[] order = new int[0];
    /** A search's paths as probabilities, for {@link #add(int, TopPaths)}. */
    private long[] stagedKeys = new long[0];
    private double[] stagedProbabilities = new double[0];
    private final Long2IntOpenHashMap position = new Long2IntOpenHashMap();
    private final IntComparator bestFirst = (a, b) -> {
        int byScore = Double.compare(unionScores[b], unionScores[a]);
        return byScore != 0 ? byScore : Long.compare(unionKeys[a], unionKeys[b]);
    };

    /**
     * Empty scores for {@code items} items on {@code lattice}, each keeping {@code capacity} (S) candidate paths,
     * decayed by {@code decay} (η, in (0, 1]; the paper uses 0.999) at each of the item's samples.
     */
    public PathScores(LatticeShape lattice, int items, int capacity, double decay) {
        if (items < 0) {
            throw new IllegalArgumentException("items must be >= 0, got " + items);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity (S, candidate paths per item) must be >= 1, got " + capacity);
        }
        if ((long) items * capacity > MAX_ARRAY) {
            throw new IllegalArgumentException(items + " items × " + capacity + " candidates exceed the largest array");
        }
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("decay (η) must be in (0, 1], got " + decay);
        }
        this.lattice = lattice;
        this.items = items;
        this.capacity = capacity;
        this.decay = decay;
        this.keys = new long[items * capacity];
        this.scores = new double[items * capacity];
        this.counts = new int[items];
        this.samples = new long[items];
        position.defaultReturnValue(-1);
    }

    public int items() {
        return items;
    }

    /** S, the most candidate paths kept per item. */
    public int capacity() {
        return capacity;
    }

    /** Merges one sample of {@code item}: the paths a search returned, each with probability exp(log-probability). */
    public void add(int item, TopPaths paths) {
        checkItem(item);
        int n = paths.count();
        if (stagedKeys.length < n) {
            stagedKeys = new long[n];
            stagedProbabilities = new double[n];
        }
        for (int i = 0; i < n; i++) {
            stagedKeys[i] = paths.key(i);
            stagedProbabilities[i] = Math.exp(paths.logProbability(i));
        }
        merge(item, stagedKeys, stagedProbabilities, n);
    }

    /**
     * Merges one sample of {@code item}: paths {@code pathKeys[0 .. count)} with probabilities
     * {@code probabilities[0 .. count)}. A probability of 0 or NaN adds nothing; a path may appear once.
     */
    public void add(int item, long[] pathKeys, double[] probabilities, int count) {
        checkItem(item);
        if (count < 0 || count > pathKeys.length || count > probabilities.length) {
            throw new IllegalArgumentException("count must be in [0, " + Math.min(pathKeys.length, probabilities.length)
                    + "] (the arrays' lengths), got " + count);
        }
        merge(item, pathKeys, probabilities, count);
    }

    private void merge(int item, long[] newKeys, double[] probabilities, int count) {
        int base = item * capacity, recorded = counts[item];
        double min = recorded == capacity ? scores[base + recorded - 1] : 0;
        ensureScratch(recorded + count);
        position.clear();
        for (int i = 0; i < recorded; i++) {
            unionKeys[i] = keys[base + i];
            unionScores[i] = decay * scores[base + i];
            position.put(unionKeys[i], i);
        }
        int union = recorded;
        for (int i = 0; i < count; i++) {
            long key = lattice.checkKey(newKeys[i]);
            double p = probabilities[i];
            if (p < 0 || p == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("path " + key + " of item " + item + " has probability " + p);
            }
            if (!(p > 0)) {
                continue;
            }
            int at = position.get(key);
            if (at >= recorded) {
                throw new IllegalArgumentException("path " + key + " appears twice in a sample of item " + item);
            }
            if (at >= 0) {
                unionScores[at] += p;
            } else {
                unionKeys[union] = key;
                unionScores[union] = decay * min + p;
                position.put(key, union++);
            }
        }
        // Only now, the sample being valid, does the item's record change.
        samples[item]++;
        for (int i = 0; i < union; i++) {
            order[i] = i;
        }
        IntArrays.quickSort(order, 0, union, bestFirst);
        int kept = Math.min(union, capacity);
        for (int rank = 0; rank < kept; rank++) {
            keys[base + rank] = unionKeys[order[rank]];
            scores[base + rank] = unionScores[order[rank]];
        }
        counts[item] = kept;
    }

    private void ensureScratch(int n) {
        if (order.length < n) {
            unionKeys = new long[n];
            unionScores = new double[n];
            order = new int[n];
        }
    }

    /** The number of candidate paths recorded for {@code item}, at most S. */
    public int candidates(int item) {
        return counts[checkItem(item)];
    }

    /** The key of {@code item}'s candidate at {@code rank}, best first. */
    public long key(int item, int rank) {
        return keys[slot(item, rank)];
    }

    /** {@code s[item, key(item, rank)]}. */
    public double score(int item, int rank) {
        return scores[slot(item, rank)];
    }

    /** {@code N_v}: how many samples of {@code item} were added. */
    public long samples(int item) {
        return samples[checkItem(item)];
    }

    private int slot(int item, int rank) {
        if (rank < 0 || rank >= counts[checkItem(item)]) {
            throw new IndexOutOfBoundsException("rank " + rank + " outside item " + item + "'s " + counts[item]
                    + " candidates");
        }
        return item * capacity + rank;
    }

    private int checkItem(int item) {
        if (item < 0 || item >= items) {
            throw new IllegalArgumentException("item " + item + " outside [0, " + items + ")");
        }
        return item;
    }
}
