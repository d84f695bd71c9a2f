package dev.arbor.lattice;

import dev.arbor.search.ItemFilter;
import dev.arbor.search.TopK;
import org.agrona.collections.IntHashSet;

/**
 * Per-thread, reusable state of one query: the prepared user, the exclusions and filter that item collection applies,
 * and every scratch buffer of the search, collection and reranking. Prepare {@link #user()}, set exclusions and
 * filter after {@link #reset()}, then hand the context to {@link LatticeSearcher} and {@link ItemCollector}. After
 * the first queries have sized the buffers nothing here allocates.
 *
 * @param <U> the scorer's per-thread user state
 */
public final class LatticeContext<U> {
    /** Items per reranker call of a brute force: its scores stay in cache, and the reranker is called seldom. */
    private static final int RERANK_BATCH = 4096;
    final LatticeSearcher<U> searcher;
    final U user;
    final IntHashSet excluded = new IntHashSet();
    /** Items already considered by the current collection: an item sits on up to J paths. */
    final IntHashSet seen = new IntHashSet();
    ItemFilter filter = ItemFilter.ALL;
    /** The kept prefixes of the current layer, rows of codes in key order, with their keys and log-probabilities. */
    int[] prefixes = new int[0];
    long[] prefixKeys = new long[0];
    float[] prefixScores = new float[0];
    /** The next layer's prefixes as they are built; swapped with the current ones. */
    int[] nextPrefixes = new int[0];
    long[] nextKeys = new long[0];
    float[] nextScores = new float[0];
    /** One layer's candidates, prefix-major: the model's log-probabilities, then the paths' running sums. */
    float[] scores = new float[0];
    boolean[] selected = new boolean[0];
    int[] kept = new int[0];
    float[] keptScores = new float[0];
    int[] pathItems = new int[16];
    float[] rerankScores = new float[0];
    /** The items the reranker's brute force scores in one call; made by the first brute force. */
    private int[] rerankBatch;
    private TopK topK = new TopK(16);

    LatticeContext(LatticeSearcher<U> searcher, U user) {
        this.searcher = searcher;
        this.user = user;
    }

    /** The scorer's user state, to be prepared by the caller before each search. */
    public U user() {
        return user;
    }

    /** Clears exclusions and filter (the user is the caller's to prepare). */
    public LatticeContext<U> reset() {
        excluded.clear();
        filter = ItemFilter.ALL;
        return this;
    }

    /** Keeps the item with this ordinal out of collected candidates. */
    public LatticeContext<U> excludeOrdinal(int ordinal) {
        if (ordinal < 0) {
            throw new IllegalArgumentException("item ordinal must be >= 0, got " + ordinal);
        }
        excluded.add(ordinal);
        return this;
    }

    /** Collects only items the filter accepts; null accepts all. */
    public LatticeContext<U> filter(ItemFilter itemFilter) {
        this.filter = itemFilter == null ? ItemFilter.ALL : itemFilter;
        return this;
    }

    /** Sizes the search buffers for a beam of {@code beam} prefixes on a lattice of {@code width} and {@code depth}. */
    void ensureBeam(int beam, int width, int depth) {
        if (prefixKeys.length < beam) {
            prefixes = new int[beam * (depth - 1)];
            nextPrefixes = new int[beam * (depth - 1)];
            prefixKeys = new long[beam];
            nextKeys = new long[beam];
            prefixScores = new float[beam];
            nextScores = new float[beam];
            scores = new float[beam * width];
            selected = new boolean[beam * width];
        }
    }

    void ensureKept(int n) {
        if (kept.length < n) {
            kept = new int[n];
            keptScores = new float[n];
        }
    }

    void ensureRerank(int n) {
        if (rerankScores.length < n) {
            rerankScores = new float[n];
        }
    }

    /** The batch of items {@link ItemCollector#rerankAll} scores at once. */
    int[] rerankBatch() {
        if (rerankBatch == null) {
            rerankBatch = new int[RERANK_BATCH];
        }
        return rerankBatch;
    }

    /** Makes room for a path of {@code n} items. */
    void ensurePathItems(int n) {
        if (pathItems.length < n) {
            pathItems = new int[Math.max(n, 2 * pathItems.length)];
        }
    }

    /** Swaps the next layer's prefixes in as the current ones. */
    void advance() {
        int[] codes = prefixes;
        prefixes = nextPrefixes;
        nextPrefixes = codes;
        long[] keys = prefixKeys;
        prefixKeys = nextKeys;
        nextKeys = keys;
        float[] sums = prefixScores;
        prefixScores = nextScores;
        nextScores = sums;
    }

    /** The selector, emptied and set to keep {@code k}; replaced only when a larger k than ever before comes. */
    TopK topK(int k) {
        if (topK.capacity() < k) {
            topK = new TopK(k);
        }
        topK.reset(k);
        return topK;
    }
}
