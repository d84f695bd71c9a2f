package dev.arbor.lattice;

import dev.arbor.format.LatticeShape;

/**
 * A caller-owned result buffer, reused across searches: the top paths, best first, each with its log-probability
 * (the sum over layers of the model's log-softmax, so that its exponential is the path's probability).
 */
public final class TopPaths {
    private final long[] keys;
    private final float[] logProbabilities;
    private int count;

    public TopPaths(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        keys = new long[capacity];
        logProbabilities = new float[capacity];
    }

    public int capacity() {
        return keys.length;
    }

    public int count() {
        return count;
    }

    /** The key of the path at {@code rank} (see {@link LatticeShape}). */
    public long key(int rank) {
        return keys[check(rank)];
    }

    public float logProbability(int rank) {
        return logProbabilities[check(rank)];
    }

    void clear() {
        count = 0;
    }

    void add(long key, float logProbability) {
        keys[count] = key;
        logProbabilities[count] = logProbability;
        count++;
    }

    private int check(int rank) {
        if (rank < 0 || rank >= count) {
            throw new IndexOutOfBoundsException("rank " + rank + " outside the " + count + " paths");
        }
        return rank;
    }
}
