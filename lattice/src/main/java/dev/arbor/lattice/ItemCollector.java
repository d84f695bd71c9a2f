package dev.arbor.lattice;

import dev.arbor.search.SearchResult;
import dev.arbor.search.TopK;

/**
 * From the top paths to items: {@link #collect} gathers the items on the paths a search returned, and
 * {@link #rerank} orders those candidates by a {@link Reranker} and keeps the best {@code k}; {@link #rerankAll} is the
 * reranker over every item instead. Collection is where exclusions and the filter apply, so that the cap counts only
 * items that may be returned. Thread-safe: the state of
 * a query lives in its {@link LatticeContext}; after warm-up neither step allocates.
 */
public final class ItemCollector {
    private final PathItems items;

    public ItemCollector(PathItems items) {
        this.items = items;
    }

    /**
     * Writes into {@code out} the items on {@code paths}, best path first and each path's items in the index's order,
     * each item once (an item sits on up to J paths), leaving out the context's exclusions and the items its filter
     * rejects, and stops at {@code cap} items. Returns how many it wrote. The filter sees each item once, on the first
     * path that holds it.
     */
    public int collect(LatticeContext<?> ctx, TopPaths paths, int cap, int[] out) {
        if (cap < 1 || cap > out.length) {
            throw new IllegalArgumentException("cap must be in [1, " + out.length + "] (the output's length), got " + cap);
        }
        ctx.seen.clear();
        int n = 0;
        for (int rank = 0; rank < paths.count() && n < cap; rank++) {
            long key = paths.key(rank);
            int size = items.items(key, ctx.pathItems);
            if (size > ctx.pathItems.length) {
                ctx.ensurePathItems(size);
                items.items(key, ctx.pathItems);
            }
            for (int i = 0; i < size && n < cap; i++) {
                int ordinal = ctx.pathItems[i];
                if (!ctx.excluded.contains(ordinal) && ctx.seen.add(ordinal)
                        && ctx.filter.accept(ordinal, items.itemId(ordinal))) {
                    out[n++] = ordinal;
                }
            }
        }
        return n;
    }

    /**
     * Scores {@code candidates[0 .. count)} with {@code reranker} for the context's user and writes the best {@code k}
     * into {@code result}, best first; equal scores rank the smaller ordinal first.
     */
    public <U> void rerank(LatticeContext<U> ctx, Reranker<? super U> reranker, int[] candidates, int count, int k,
                           SearchResult result) {
        if (count < 0 || count > candidates.length) {
            throw new IllegalArgumentException("count must be in [0, " + candidates.length + "], got " + count);
        }
        checkResult(k, result);
        ctx.ensureRerank(count);
        TopK top = ctx.topK(Math.min(k, count));
        offer(ctx, reranker, candidates, count, top);
        emit(ctx, top, result);
    }

    /**
     * The reranker's brute force: scores every item that the context's exclusions and filter admit, whatever path it
     * sits on, and writes the best {@code k} into {@code result} as {@link #rerank} does. It is the ceiling the paths
     * are measured against, and the fallback when a filter leaves the top paths' items short of k. Returns how many
     * items it scored.
     */
    public <U> int rerankAll(LatticeContext<U> ctx, Reranker<? super U> reranker, int k, SearchResult result) {
        checkResult(k, result);
        int itemCount = items.itemCount();
        TopK top = ctx.topK(Math.min(k, itemCount));
        int[] batch = ctx.rerankBatch();
        ctx.ensureRerank(batch.length);
        int scored = 0, n = 0;
        for (int ordinal = 0; ordinal < itemCount; ordinal++) {
            if (!ctx.excluded.contains(ordinal) && ctx.filter.accept(ordinal, items.itemId(ordinal))) {
                batch[n++] = ordinal;
                if (n == batch.length) {
                    offer(ctx, reranker, batch, n, top);
                    scored += n;
                    n = 0;
                }
            }
        }
        offer(ctx, reranker, batch, n, top);
        scored += n;
        emit(ctx, top, result);
        return scored;
    }

    private static <U> void offer(LatticeContext<U> ctx, Reranker<? super U> reranker, int[] batch, int n, TopK top) {
        reranker.score(ctx.user, batch, n, ctx.rerankScores);
        for (int i = 0; i < n; i++) {
            top.offer(batch[i], ctx.rerankScores[i]);
        }
    }

    private void emit(LatticeContext<?> ctx, TopK top, SearchResult result) {
        int kept = top.size();
        ctx.ensureKept(kept);
        top.drain(ctx.kept, ctx.keptScores);
        result.clear();
        for (int i = 0; i < kept; i++) {
            result.add(ctx.kept[i], items.itemId(ctx.kept[i]), ctx.keptScores[i]);
        }
    }

    private static void checkResult(int k, SearchResult result) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (result.capacity() < k) {
            throw new IllegalArgumentException("result buffer holds " + result.capacity() + " items, k is " + k);
        }
    }
}
