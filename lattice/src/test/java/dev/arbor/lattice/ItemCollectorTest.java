package dev.arbor.lattice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.LatticeShape;
import dev.arbor.search.SearchResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ItemCollectorTest {
    private static final LatticeShape LATTICE = new LatticeShape(4, 2);
    private static final int[] LONG_PATH = IntStream.range(100, 140).toArray();
    /** Paths 5, 2, 7, 9 hold overlapping items; 11 is empty; 12 holds more items than the scratch starts with. */
    private final PathItems index = new MapPathItems(
            5, new int[] {3, 1, 4},
            2, new int[] {1, 5, 9, 2},
            7, new int[] {6, 5, 3},
            9, new int[] {8},
            12, LONG_PATH);
    private final ItemCollector collector = new ItemCollector(index);
    private final LatticeSearcher<FakeScorer.User> searcher = new LatticeSearcher<>(new FakeScorer(LATTICE, 0));
    private final LatticeContext<FakeScorer.User> ctx = searcher.newContext();

    private static TopPaths paths(long... keys) {
        TopPaths paths = new TopPaths(keys.length);
        for (long key : keys) {
            paths.add(key, -1f);
        }
        return paths;
    }

    private int[] collect(TopPaths paths, int cap) {
        int[] out = new int[cap];
        int n = collector.collect(ctx, paths, cap, out);
        return Arrays.copyOf(out, n);
    }

    @Test
    void gathersThePathsItemsInPathOrderEachOnce() {
        // 1 is on paths 5 and 2, 5 on paths 2 and 7, 3 on paths 5 and 7: each comes where its first path puts it.
        assertArrayEquals(new int[] {3, 1, 4, 5, 9, 2, 6, 8}, collect(paths(5, 11, 2, 7, 9), 20));
        // Path order is the search's order, not the keys'.
        assertArrayEquals(new int[] {6, 5, 3, 8, 1, 4}, collect(paths(7, 9, 5), 20));
    }

    @Test
    void exclusionsAndTheFilterApplyBeforeTheCap() {
        ctx.reset().excludeOrdinal(4).excludeOrdinal(9);
        assertArrayEquals(new int[] {3, 1, 5, 2, 6}, collect(paths(5, 2, 7), 5));
        List<Integer> asked = new ArrayList<>();
        ctx.reset().filter((ordinal, id) -> {
            asked.add(ordinal);
            return id % 2 == 0; // item id 1000 + ordinal: even ordinals pass
        });
        assertArrayEquals(new int[] {4, 2, 6, 8}, collect(paths(5, 2, 7, 9), 20));
        assertEquals(List.of(3, 1, 4, 5, 9, 2, 6, 8), asked, "the filter sees each item once");
        ctx.reset();
        assertArrayEquals(new int[] {3, 1, 4, 5, 9, 2, 6, 8}, collect(paths(5, 2, 7, 9), 20), "reset clears both");
    }

    @Test
    void theCapStopsMidPath() {
        assertArrayEquals(new int[] {3, 1, 4, 5}, collect(paths(5, 2, 7), 4));
        assertArrayEquals(new int[] {3}, collect(paths(5, 2, 7), 1));
    }

    @Test
    void aPathLongerThanTheScratchIsReadWhole() {
        int[] expected = IntStream.concat(IntStream.of(8), IntStream.of(LONG_PATH)).toArray();
        assertArrayEquals(expected, collect(paths(9, 12), 100));
    }

    @Test
    void rerankingKeepsTheRerankersTopK() {
        int[] candidates = {3, 1, 4, 5, 9, 2, 6, 8};
        // Score = -(ordinal - 5)^2: 5 best, then 4 and 6 (tie: smaller ordinal first), then 3, then 2 and 8.
        Reranker<FakeScorer.User> closeToFive = (user, items, count, out) -> {
            for (int i = 0; i < count; i++) {
                out[i] = -(items[i] - 5) * (items[i] - 5);
            }
        };
        SearchResult top = new SearchResult(5);
        collector.rerank(ctx, closeToFive, candidates, candidates.length, 5, top);
        assertEquals(5, top.count());
        int[] ordinals = IntStream.range(0, top.count()).map(top::ordinal).toArray();
        assertArrayEquals(new int[] {5, 4, 6, 3, 2}, ordinals);
        assertEquals(1005L, top.itemId(0));
        assertEquals(-1f, top.score(1));
        // Fewer candidates than k: all of them, ranked; NaN drops an item.
        collector.rerank(ctx, (user, items, count, out) -> {
            for (int i = 0; i < count; i++) {
                out[i] = items[i] == 1 ? Float.NaN : items[i];
            }
        }, candidates, 3, 5, top);
        assertEquals(2, top.count());
        assertEquals(4, top.ordinal(0));
        assertEquals(3, top.ordinal(1));
    }

    @Test
    void rerankingEveryItemAppliesTheExclusionsAndTheFilterAcrossBatches() {
        // 10,000 items, more than two batches of the brute force; the best lie in the last: score = -|ordinal - 9000|.
        ItemCollector all = new ItemCollector(new MapPathItems(0, IntStream.range(0, 10_000).toArray()));
        Reranker<FakeScorer.User> closeTo9000 = (user, items, count, out) -> {
            for (int i = 0; i < count; i++) {
                out[i] = -Math.abs(items[i] - 9000);
            }
        };
        ctx.reset().excludeOrdinal(9000).filter((ordinal, id) -> ordinal % 2 == 0);
        SearchResult top = new SearchResult(4);
        assertEquals(4999, all.rerankAll(ctx, closeTo9000, 4, top), "the even items but 9000 are scored");
        assertArrayEquals(new int[] {8998, 9002, 8996, 9004}, IntStream.range(0, top.count()).map(top::ordinal).toArray());
        assertEquals(-2f, top.score(1));
    }

    @Test
    void badArgumentsGiveClearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> collector.collect(ctx, paths(5), 3, new int[2]));
        assertTrue(e.getMessage().contains("cap must be in [1, 2]"), e.getMessage());
        Reranker<Object> none = (user, items, count, out) -> { };
        e = assertThrows(IllegalArgumentException.class,
                () -> collector.rerank(ctx, none, new int[3], 3, 4, new SearchResult(3)));
        assertTrue(e.getMessage().contains("holds 3 items, k is 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ctx.excludeOrdinal(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }
}
