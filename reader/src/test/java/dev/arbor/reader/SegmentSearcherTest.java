package dev.arbor.reader;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeIndex;
import dev.arbor.format.LatticeShape;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.lattice.LatticeContext;
import dev.arbor.lattice.LatticeModelScorer;
import dev.arbor.lattice.LatticeSearcher;
import dev.arbor.lattice.TopPaths;
import dev.arbor.scorer.Kernels;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.ItemFilter;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.testkit.Allocations;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Either index kind through one {@link SegmentSearcher}: the tree's query is its beam search; the lattice's is its
 * top paths' items reranked, the reranker's brute force when the beam keeps every path, and its brute force with the
 * exclusions and the filter applied. Neither allocates once warm.
 */
class SegmentSearcherTest {
    private static final int ITEMS = 400;
    private static final int[] HISTORY = {3, 50, 120, 7, 399};

    @TempDir
    Path dir;

    private SegmentSearcher lattice(long seed) throws Exception {
        SegmentWriter.write(dir, RandomLattice.servable(ITEMS, seed));
        return IndexDirectory.openLatestSearcher(dir, true);
    }

    /**
     * The reranker's own ranking of every item outside {@code excluded} that {@code admit} accepts, best first, ties to
     * the smaller ordinal: the oracle, computed from the segment's model without paths.
     */
    private static long[] rerankOracle(LatticeSegment segment, int[] history, Set<Integer> excluded,
                                       java.util.function.IntPredicate admit, int k) {
        LatticeModelScorer scorer = segment.scorer(Kernels.best());
        LatticeModelScorer.User user = scorer.newUser();
        scorer.prepare(user, history, history.length);
        int[] items = IntStream.range(0, segment.itemCount()).filter(i -> !excluded.contains(i) && admit.test(i)).toArray();
        float[] scores = new float[items.length];
        scorer.score(user, items, items.length, scores);
        return IntStream.range(0, items.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> items[i]))
                .limit(k).mapToLong(i -> segment.itemId(items[i])).toArray();
    }

    private static long[] ids(SearchResult result) {
        long[] ids = new long[result.count()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = result.itemId(i);
        }
        return ids;
    }

    @Test
    void aBeamOverEveryPathAndTheBruteForceAreTheRerankersRanking() throws Exception {
        try (SegmentSearcher searcher = lattice(1); LatticeSegment segment = IndexDirectory.openLatestLattice(dir)) {
            assertEquals(SegmentSearcher.Kind.PATH_LATTICE, searcher.kind());
            assertEquals(ITEMS, searcher.itemCount());
            Set<Integer> excluded = new HashSet<>();
            Arrays.stream(HISTORY).forEach(excluded::add);
            excluded.add(200);
            SegmentSearcher.Query query = searcher.newQuery().reset().history(HISTORY, HISTORY.length);
            for (int ordinal : excluded) {
                query.excludeOrdinal(ordinal);
            }
            SearchResult result = new SearchResult(30);
            long[] expected = rerankOracle(segment, HISTORY, excluded, i -> true, 30);
            query.search(30, (int) segment.lattice().keySpace(), result);
            assertArrayEquals(expected, ids(result), "every path's items reranked");
            assertEquals(ITEMS - excluded.size(), query.scored(), "every admissible item was reranked once");
            query.bruteForce(30, result);
            assertArrayEquals(expected, ids(result));
            assertEquals(ITEMS - excluded.size(), query.scored());

            // Categories 1 and 3 only; items without a category are out.
            ItemFilter filter = (ordinal, id) -> searcher.categoryOf(ordinal) == 1 || searcher.categoryOf(ordinal) == 3;
            long[] filtered = rerankOracle(segment, HISTORY, excluded, i -> filter.accept(i, 0), 30);
            query.filter(filter).bruteForce(30, result);
            assertArrayEquals(filtered, ids(result), "brute force applies the filter");
            query.search(30, (int) segment.lattice().keySpace(), result);
            assertArrayEquals(filtered, ids(result), "so does the collection");
        }
    }

    @Test
    void aNarrowBeamReranksExactlyTheItemsOfItsTopPaths() throws Exception {
        try (SegmentSearcher searcher = lattice(2); LatticeSegment segment = IndexDirectory.openLatestLattice(dir)) {
            int beam = 4;
            // The top paths, from the lattice's own searcher, and the items they hold but the history.
            LatticeModelScorer scorer = segment.scorer(Kernels.best());
            LatticeSearcher<LatticeModelScorer.User> paths = new LatticeSearcher<>(scorer);
            LatticeContext<LatticeModelScorer.User> ctx = paths.newContext();
            scorer.prepare(ctx.user(), HISTORY, HISTORY.length);
            TopPaths top = new TopPaths(beam);
            paths.search(ctx, beam, beam, top);
            Set<Integer> onPaths = new HashSet<>();
            int[] buffer = new int[ITEMS];
            for (int rank = 0; rank < top.count(); rank++) {
                int n = segment.items(top.key(rank), buffer);
                for (int i = 0; i < n; i++) {
                    onPaths.add(buffer[i]);
                }
            }
            Arrays.stream(HISTORY).forEach(onPaths::remove);
            SegmentSearcher.Query query = searcher.newQuery().history(HISTORY, HISTORY.length);
            Arrays.stream(HISTORY).forEach(query::excludeOrdinal);
            SearchResult result = new SearchResult(ITEMS);
            query.search(ITEMS, beam, result);
            assertEquals(onPaths.size(), query.scored());
            assertEquals(onPaths.size(), result.count(), "k above the candidates returns them all, reranked");
            for (int i = 0; i < result.count(); i++) {
                assertTrue(onPaths.contains(result.ordinal(i)), "rank " + i + " is on a top path");
                assertTrue(i == 0 || result.score(i) <= result.score(i - 1), "best first");
            }
        }
    }

    @Test
    void theTreesQueryIsItsBeamSearch() throws Exception {
        TreeIndex index = SyntheticIndex.generate(2000, 2, ModelKind.MLP, 5);
        SegmentWriter.write(dir, index);
        try (SegmentSearcher searcher = IndexDirectory.openLatestSearcher(dir, false);
             TreeSegment segment = IndexDirectory.openLatest(dir)) {
            assertEquals(SegmentSearcher.Kind.TREE, searcher.kind());
            assertEquals(segment.scorer().historyLength(), searcher.historyLength());
            BeamSearcher beam = new BeamSearcher(segment);
            SearchContext ctx = beam.newContext().historyOrdinals(HISTORY, HISTORY.length).excludeOrdinal(3);
            SearchResult expected = new SearchResult(20), result = new SearchResult(20);
            beam.search(ctx, 20, 40, expected);
            searcher.newQuery().history(HISTORY, HISTORY.length).excludeOrdinal(3).search(20, 40, result);
            assertArrayEquals(Answers.of(expected), Answers.of(result));
        }
    }

    @Test
    void aLatticeQueryAllocatesNothingAfterWarmUp() throws Exception {
        // The shapes of lattice's own allocation test: widths the kernels tile without remainders.
        LatticeArchitecture arch = new LatticeArchitecture(new LatticeShape(16, 3), 8, BehaviourWindows.sizes(),
                new int[] {32, 16}, new int[] {16});
        LatticeIndex index = RandomLattice.generate(arch, RandomLattice.PATHS_PER_ITEM, 3000, 4, RandomLattice.CATEGORIES);
        SegmentWriter.write(dir, index);
        try (SegmentSearcher searcher = IndexDirectory.openLatestSearcher(dir, false)) {
            SegmentSearcher.Query query = searcher.newQuery();
            SplittableRandom random = new SplittableRandom(9);
            int[][] histories = new int[64][];
            for (int h = 0; h < histories.length; h++) {
                histories[h] = random.ints(40, 0, 3000).toArray();
            }
            ItemFilter evenCategories = (ordinal, id) -> searcher.categoryOf(ordinal) % 2 == 0;
            SearchResult result = new SearchResult(50);
            int[] next = {0};
            // What a server worker does per request: a history, its exclusions, a filter, the search, and the
            // brute force that a filter leaving too few items falls back to.
            Runnable search = () -> {
                int[] history = histories[next[0]++ % histories.length];
                query.reset().history(history, history.length);
                for (int ordinal : history) {
                    query.excludeOrdinal(ordinal);
                }
                query.search(50, 30, result);
                query.filter(evenCategories).bruteForce(50, result);
            };
            Allocations.assertSteadyStateAllocatesNothing("lattice query", search);
            assertEquals(50, result.count());
        }
    }

    @Test
    void aTreeQueryAllocatesNothingAfterWarmUp() throws Exception {
        SegmentWriter.write(dir, SyntheticIndex.generate(3000, 2, ModelKind.ATTENTION_DNN, 6));
        try (SegmentSearcher searcher = IndexDirectory.openLatestSearcher(dir, false)) {
            SegmentSearcher.Query query = searcher.newQuery();
            SearchResult result = new SearchResult(20);
            Runnable search = () -> {
                query.reset().history(HISTORY, HISTORY.length).excludeOrdinal(HISTORY[0]).search(20, 40, result);
            };
            Allocations.assertSteadyStateAllocatesNothing("tree query", search);
            assertEquals(20, result.count());
        }
    }

    @Test
    void aLatticeWhoseModelCannotServeIsRefusedNamingItsSegment() throws Exception {
        // RandomLattice.MODEL reads windows of 2 and 1 behaviours, not the history layout a served model reads.
        SegmentWriter.write(dir, RandomLattice.generate(50, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> IndexDirectory.openLatestSearcher(dir, true));
        assertTrue(e.getMessage().contains("segment " + dir.resolve("seg-1") + ": its model cannot be served"),
                e.getMessage());
    }

    @Test
    void aBadArgumentIsNamed() throws Exception {
        try (SegmentSearcher searcher = lattice(3)) {
            SegmentSearcher.Query query = searcher.newQuery();
            var e = assertThrows(IllegalArgumentException.class, () -> query.excludeOrdinal(ITEMS));
            assertTrue(e.getMessage().contains("outside [0, " + ITEMS + ")"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> query.search(10, 0, new SearchResult(10)));
            assertTrue(e.getMessage().contains("beam"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> query.search(10, 5, new SearchResult(5)));
            assertTrue(e.getMessage().contains("result buffer holds 5"), e.getMessage());
        }
    }
}
