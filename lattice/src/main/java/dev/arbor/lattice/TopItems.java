package dev.arbor.lattice;

/** A caller-owned result buffer, reused across queries: the reranked top items, best first. */
public final class TopItems {
    private final int[] ordinals;
    private final long[] itemIds;
    private final float[] scores;
    private int count;

    public TopItems(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        ordinals = new int[capacity];
        itemIds = new long[capacity];
        scores = new float[capacity];
    }

    public int capacity() {
        return ordinals.length;
    }

    public int count() {
        return count;
    }

    public int ordinal(int rank) {
        return ordinals[check(rank)];
    }

    public long itemId(int rank) {
        return itemIds[check(rank)];
    }

    /** The reranker's score. */
    public float score(int rank) {
        return scores[check(rank)];
    }

    void clear() {
        count = 0;
    }

    void add(int ordinal, long itemId, float score) {
        ordinals[count] = ordinal;
        itemIds[count] = itemId;
        scores[count] = score;
        count++;
    }

    private int check(int rank) {
        if (rank < 0 || rank >= count) {
            throw new IndexOutOfBoundsException("rank " + rank + " outside the " + count + " items");
        }
        return rank;
    }
}
