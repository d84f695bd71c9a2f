package dev.arbor.lattice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arbor.format.LatticeShape;
import dev.arbor.search.SearchResult;
import dev.arbor.testkit.Allocations;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatticeAllocationTest {

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
        Allocations.assertSteadyStateAllocatesNothing("query", search);
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
        Allocations.assertSteadyStateAllocatesNothing("merge", merge);
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
        Allocations.assertSteadyStateAllocatesNothing("model query", search);
        assertEquals(10, top.count());
    }
}
