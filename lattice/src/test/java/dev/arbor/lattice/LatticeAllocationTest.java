package dev.arbor.lattice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.LatticeShape;
import dev.arbor.search.SearchResult;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatticeAllocationTest {
    private static final int ROUND = 200;
    private static final int MAX_WARM_UP_ROUNDS = 50;
    private static final long ALLOCATION_LIMIT = 16;

    @Test
    void aQueryAllocatesNothingAfterWarmUp() {
        LatticeShape lattice = new LatticeShape(16, 3);
        LatticeSearcher<FakeScorer.User> searcher = new LatticeSearcher<>(new FakeScorer(lattice, 0));
        LatticeContext<FakeScorer.User> ctx = searcher.newContext();
        // Every path holds 3 of 3000 items, so the top paths share some.
        SplittableRandom random = new SplittableRandom(7);
        Object[] entries = new Object[2 * (int) lattice.keySpace()];
        for (int key = 0; key < lattice.keySpace(); key++) {
            entries[2 * key] = key;
            entries[2 * key + 1] = new int[] {random.nextInt(3000), random.nextInt(3000), random.nextInt(3000)};
        }
        ItemCollector collector = new ItemCollector(new MapPathItems(entries));
        Reranker<FakeScorer.User> reranker = (user, items, count, out) -> {
            for (int i = 0; i < count; i++) {
                out[i] = (items[i] * 31 + user.seed) % 97;
            }
        };
        TopPaths paths = new TopPaths(20);
        int[] candidates = new int[50];
        SearchResult top = new SearchResult(10);
        long[] query = {0};
        Runnable search = () -> {
            ctx.reset().excludeOrdinal((int) (query[0] % 3000));
            ctx.user().seed = query[0]++;
            searcher.search(ctx, 20, 20, paths);
            int n = collector.collect(ctx, paths, 50, candidates);
            collector.rerank(ctx, reranker, candidates, n, 10, top);
        };
        assertSteadyStateAllocatesNothing("query", search);
        assertEquals(20, paths.count());
        assertEquals(10, top.count());
    }

    @Test
    void mergingASamplesPathsAllocatesNothingAfterWarmUp() {
        LatticeShape lattice = new LatticeShape(16, 3);
        LatticeSearcher<FakeScorer.User> searcher = new LatticeSearcher<>(new FakeScorer(lattice, 0));
        LatticeContext<FakeScorer.User> ctx = searcher.newContext();
        PathScores scores = new PathScores(lattice, 100, 20, 0.999);
        TopPaths paths = new TopPaths(20);
        long[] sample = {0};
        // The M-step's hot loop: a search per training sample, merged into its item's scores.
        Runnable merge = () -> {
            ctx.user().seed = sample[0] % 7;
            searcher.search(ctx, 20, 20, paths);
            scores.add((int) (sample[0]++ % 100), paths);
        };
        assertSteadyStateAllocatesNothing("merge", merge);
        assertEquals(20, scores.candidates(0));
    }

    @Test
    void aQueryOnTheModelAllocatesNothingAfterWarmUp() {
        var arch = new dev.arbor.format.LatticeArchitecture(new LatticeShape(16, 3), 8,
                dev.arbor.format.BehaviourWindows.sizes(), new int[] {32, 16}, new int[] {16});
        int items = 1000;
        float[] embeddings = new float[items * 8];
        for (int i = 0; i < embeddings.length; i++) {
            embeddings[i] = (i * 37 % 101) / 101f - 0.5f;
        }
        LatticeModelScorer model = new LatticeModelScorer(dev.arbor.format.LatticeWeights.gaussian(arch, 0.2, 3),
                java.lang.foreign.MemorySegment.ofArray(embeddings), java.lang.foreign.MemorySegment.ofArray(embeddings),
                dev.arbor.scorer.Kernels.best());
        LatticeSearcher<LatticeModelScorer.User> searcher = new LatticeSearcher<>(model);
        LatticeContext<LatticeModelScorer.User> ctx = searcher.newContext();
        Object[] entries = new Object[2 * 4096];
        for (int key = 0; key < 4096; key++) {
            entries[2 * key] = key;
            entries[2 * key + 1] = new int[] {key % items, (key * 7) % items};
        }
        ItemCollector collector = new ItemCollector(new MapPathItems(entries));
        TopPaths paths = new TopPaths(50);
        int[] history = new int[30], candidates = new int[100];
        SearchResult top = new SearchResult(10);
        long[] query = {0};
        // What arbor search does per query: prepare the user, beam over the paths, collect and rerank.
        Runnable search = () -> {
            for (int i = 0; i < history.length; i++) {
                history[i] = (int) ((query[0] * 13 + i * 17) % items);
            }
            query[0]++;
            model.prepare(ctx.reset().user(), history, history.length);
            searcher.search(ctx, 50, 50, paths);
            int n = collector.collect(ctx, paths, 100, candidates);
            collector.rerank(ctx, model, candidates, n, 10, top);
        };
        assertSteadyStateAllocatesNothing("model query", search);
        assertEquals(10, top.count());
    }

    private static void assertSteadyStateAllocatesNothing(String what, Runnable call) {
        // Warm up until a round stops allocating less than the one before (the JIT may still be interpreting after a
        // fixed count on a busy machine), within a generous bound.
        long previous, last = Long.MAX_VALUE;
        int warmUpRounds = 0;
        do {
            previous = last;
            last = allocatedPerCall(call);
            warmUpRounds++;
        } while ((last < previous || last >= ALLOCATION_LIMIT) && warmUpRounds < MAX_WARM_UP_ROUNDS);
        // A real allocation on the hot path shows in every round; a stray compilation event in one at most.
        long steady = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            steady = Math.min(steady, allocatedPerCall(call));
        }
        System.out.printf("LatticeAllocationTest: %d B per %s in the steady state, after %d warm-up rounds of %d%n",
                steady, what, warmUpRounds, ROUND);
        assertTrue(steady < ALLOCATION_LIMIT, "a " + what + " allocated " + steady + " bytes in the steady state (after "
                + warmUpRounds + " warm-up rounds of " + ROUND + "; the last warm-up round allocated " + last
                + " bytes per " + what + ")");
    }

    /** Bytes this thread allocates per call of {@code call}, averaged over one round. */
    private static long allocatedPerCall(Runnable call) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < ROUND; i++) {
            call.run();
        }
        return (mx.getCurrentThreadAllocatedBytes() - before) / ROUND;
    }
}
