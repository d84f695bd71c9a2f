package dev.arbor.search;

/** A caller-owned result buffer, reused across searches: the top items, best first. */
public final class SearchResult {
    private final long[] itemIds;
    private final int[] ordinals;
    private final float[] scores;
    private int count;

    public SearchResult(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        itemIds = new long[capacity];
        ordinals = new int[capacity];
        scores = new float[capacity];
    }

    public int capacity() {
        return itemIds.length;
    }

    public int count() {
        return count;
    }

    public long itemId(int rank) {
        return itemIds[check(rank)];
    }

    public int ordinal(int rank) {
        return ordinals[check(rank)];
    }

    public float score(int rank) {
        return scores[check(rank)];
    }

    /** Empties the buffer; for a searcher filling it (the tree's here, the lattice's in {@code lattice}). */
    public void clear() {
        count = 0;
    }

    /** Appends the next-best item; for a searcher filling it, which adds items best first and at most capacity. */
    public void add(int ordinal, long itemId, float score) {
        ordinals[count] = ordinal;
        itemIds[count] = itemId;
        scores[count] = score;
        count++;
    }

    private int check(int rank) {
        if (rank < 0 || rank >= count) {
            throw new IndexOutOfBoundsException("rank " + rank + " outside the " + count + " results");
        }
        return rank;
    }
}
