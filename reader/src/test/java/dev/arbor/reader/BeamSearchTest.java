package dev.arbor.reader;

import dev.arbor.search.*;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.format.TreeShape;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.testkit.Allocations;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BeamSearchTest {
    @TempDir
    Path dir;

    private TreeSegment open(int items, int branching, ModelKind kind) throws Exception {
        SegmentWriter.write(dir, SyntheticIndex.generate(items, branching, kind, 3));
        return IndexDirectory.openLatest(dir);
    }

    @ParameterizedTest
    @CsvSource({"2,3000,ATTENTION_DNN", "2,3000,MLP", "4,1001,MLP", "16,700,ATTENTION_DNN"})
    void beamCoveringEveryNodeEqualsBruteForce(int branching, int items, ModelKind kind) throws Exception {
        try (TreeSegment segment = open(items, branching, kind)) {
            BeamSearcher searcher = new BeamSearcher(segment);
            SearchContext ctx = searcher.newContext();
            SplittableRandom r = new SplittableRandom(5);
            TreeIndex index = SyntheticIndex.generate(items, branching, kind, 3);
            for (int q = 0; q < 5; q++) {
                long[] history = SyntheticIndex.sampleHistory(index, 30, 4, r);
                ctx.reset().history(history, history.length);
                ctx.exclude(history[0]).filter((ordinal, id) -> ordinal % 7 != 3);
                int k = 50;
                SearchResult beam = new SearchResult(k), brute = new SearchResult(k);
                searcher.search(ctx, k, segment.shape().leafCount(), beam);
                searcher.bruteForce(ctx, k, brute);
                assertEquals(k, brute.count());
                assertEquals(brute.count(), beam.count());
                for (int i = 0; i < k; i++) {
                    assertEquals(brute.itemId(i), beam.itemId(i), "rank " + i);
                    assertEquals(brute.score(i), beam.score(i));
                    assertNotEquals(history[0], beam.itemId(i), "excluded item returned");
                    assertNotEquals(3, beam.ordinal(i) % 7, "filtered item returned");
                    if (i > 0) {
                        assertTrue(beam.score(i) <= beam.score(i - 1), "results are best first");
                    }
                }
            }
        }
    }

    @Test
    void narrowBeamFindsMostOfTheTopOnStructuredData() throws Exception {
        double recall = recall(SyntheticIndex.generate(20_000, 2, ModelKind.MLP, 3, 0), 50, 100);
        assertTrue(recall > 0.5, "recall@50 of beam 100 against brute force was " + recall);
    }

    @Test
    void innerNodeNoiseMakesNarrowBeamsMissAndWideBeamsRecover() throws Exception {
        TreeIndex consistent = SyntheticIndex.generate(20_000, 2, ModelKind.MLP, 3, 0);
        assertEquals(1.0, recall(consistent, 50, 50), "a tree-consistent index loses nothing even at beam = K");
        TreeIndex noisy = SyntheticIndex.generate(20_000, 2, ModelKind.MLP, 3, 30);
        double narrow = recall(noisy, 50, 50), wide = recall(noisy, 50, 800);
        assertTrue(narrow < 0.97, "noisy inner nodes must make beam 50 miss some of the top 50, recall " + narrow);
        assertTrue(wide > narrow, "a wider beam recovers what a narrow one misses: " + wide + " vs " + narrow);
        assertEquals("30.0", noisy.metadata().get("synthetic.inner-noise"));
    }

    @Test
    void aRebuiltTreeKeepsTheCorpusSoBruteForceIsUnchanged() throws Exception {
        TreeIndex source = SyntheticIndex.generate(3000, 2, ModelKind.ATTENTION_DNN, 3);
        int items = source.shape().itemCount();
        TreeShape shape = TreeShape.forItems(4, items);
        int[] itemToLeaf = new int[items];
        for (int i = 0; i < items; i++) {
            itemToLeaf[i] = (i * 7919) % shape.leafCount(); // a scatter over the wider leaf level
        }
        assertEquals(items, java.util.Arrays.stream(itemToLeaf).distinct().count(), "test setup: distinct leaves");
        TreeIndex rebuilt = SyntheticIndex.withTree(source, shape, itemToLeaf);
        Path a = dir.resolve("source"), b = dir.resolve("rebuilt");
        SegmentWriter.write(a, source);
        SegmentWriter.write(b, rebuilt);
        long[] history = SyntheticIndex.sampleHistory(source, 69, 4, new SplittableRandom(2));
        try (TreeSegment one = IndexDirectory.openLatest(a); TreeSegment two = IndexDirectory.openLatest(b)) {
            assertEquals(4, two.shape().branching());
            SearchResult first = new SearchResult(30), second = new SearchResult(30);
            BeamSearcher s1 = new BeamSearcher(one), s2 = new BeamSearcher(two);
            s1.bruteForce(s1.newContext().history(history, history.length), 30, first);
            s2.bruteForce(s2.newContext().history(history, history.length), 30, second);
            for (int i = 0; i < 30; i++) {
                assertEquals(first.itemId(i), second.itemId(i), "rank " + i);
                assertEquals(first.score(i), second.score(i), 1e-5f);
            }
            // Inner nodes are the means of their items: the root is the mean of every item vector.
            int d = source.dim();
            for (int k = 0; k < d; k++) {
                double mean = 0;
                for (int i = 0; i < items; i++) {
                    mean += rebuilt.nodeEmbeddings()[(shape.firstLeaf() + itemToLeaf[i]) * d + k];
                }
                assertEquals(mean / items, rebuilt.nodeEmbeddings()[k], 1e-4);
            }
        }
    }

    /** Recall@k of beam search against brute force over 20 sampled histories. */
    private double recall(TreeIndex index, int k, int beamWidth) throws Exception {
        Path d = dir.resolve("recall-" + System.nanoTime());
        SegmentWriter.write(d, index);
        try (TreeSegment segment = IndexDirectory.openLatest(d)) {
            BeamSearcher searcher = new BeamSearcher(segment);
            SearchContext ctx = searcher.newContext();
            SplittableRandom r = new SplittableRandom(9);
            int hits = 0, total = 0;
            SearchResult beam = new SearchResult(k), brute = new SearchResult(k);
            for (int q = 0; q < 20; q++) {
                long[] history = SyntheticIndex.sampleHistory(index, 40, 5, r);
                ctx.reset().history(history, history.length);
                searcher.search(ctx, k, beamWidth, beam);
                assertTrue(beamWidth > 100 || ctx.scoredNodes() < segment.itemCount() / 4, "beam search scores a fraction of the tree");
                searcher.bruteForce(ctx, k, brute);
                java.util.Set<Long> truth = new java.util.HashSet<>();
                for (int i = 0; i < brute.count(); i++) {
                    truth.add(brute.itemId(i));
                }
                for (int i = 0; i < beam.count(); i++) {
                    hits += truth.contains(beam.itemId(i)) ? 1 : 0;
                }
                total += brute.count();
            }
            return (double) hits / total;
        }
    }

    @Test
    void searchAllocatesNothingAfterWarmUp() throws Exception {
        try (TreeSegment segment = open(5000, 2, ModelKind.ATTENTION_DNN)) {
            BeamSearcher searcher = new BeamSearcher(segment);
            SearchContext ctx = searcher.newContext();
            TreeIndex index = SyntheticIndex.generate(5000, 2, ModelKind.ATTENTION_DNN, 3);
            long[] history = SyntheticIndex.sampleHistory(index, 69, 4, new SplittableRandom(1));
            SearchResult result = new SearchResult(20);
            Runnable search = () -> {
                ctx.reset().history(history, history.length).exclude(history[68]);
                searcher.search(ctx, 20, 40, result);
            };
            Allocations.assertSteadyStateAllocatesNothing("search", search);
            assertEquals(20, result.count());
        }
    }

    @Test
    void badArgumentsGiveClearErrors() throws Exception {
        try (TreeSegment segment = open(100, 2, ModelKind.MLP)) {
            BeamSearcher searcher = new BeamSearcher(segment);
            SearchContext ctx = searcher.newContext();
            var e = assertThrows(IllegalArgumentException.class, () -> ctx.history(new long[] {42}, 1));
            assertTrue(e.getMessage().contains("unknown item id 42"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> searcher.search(ctx, 10, 5, new SearchResult(10)));
            assertThrows(IllegalArgumentException.class, () -> searcher.search(ctx, 0, 5, new SearchResult(10)));
            assertThrows(IllegalArgumentException.class, () -> searcher.search(ctx, 20, 50, new SearchResult(10)));
            // An empty history is allowed: the model then sees only the candidate.
            SearchResult all = new SearchResult(500);
            searcher.search(ctx.reset(), 500, 500, all);
            assertEquals(100, all.count(), "k beyond the item count returns every item");
            assertThrows(IllegalArgumentException.class, () -> searcher.search(ctx, -3, 5, new SearchResult(10)));
            assertThrows(IllegalArgumentException.class, () -> searcher.search(ctx, 1, -1, new SearchResult(10)));
            assertThrows(IllegalArgumentException.class, () -> searcher.bruteForce(ctx, -1, new SearchResult(10)));
            assertThrows(IllegalArgumentException.class, () -> new SearchResult(0));
            assertThrows(IllegalArgumentException.class, () -> new SearchResult(-1));
            var count = assertThrows(IllegalArgumentException.class, () -> ctx.history(new long[] {42}, 2));
            assertTrue(count.getMessage().contains("history count"), count.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ctx.historyOrdinals(new int[] {0}, -1));
            assertThrows(IllegalArgumentException.class, () -> ctx.historyOrdinals(new int[] {100}, 1));
            assertThrows(IllegalArgumentException.class, () -> ctx.excludeOrdinal(-1));
        }
    }

    /** Regression: a beam of Integer.MAX_VALUE used to size the beam buffers after it (OutOfMemoryError). */
    @Test
    void absurdlyWideBeamIsTheExactSearch() throws Exception {
        try (TreeSegment segment = open(300, 2, ModelKind.MLP)) {
            BeamSearcher searcher = new BeamSearcher(segment);
            SearchContext ctx = searcher.newContext().history(new long[] {SyntheticIndex.itemId(7)}, 1);
            SearchResult wide = new SearchResult(10), brute = new SearchResult(10);
            searcher.search(ctx, 10, Integer.MAX_VALUE, wide);
            searcher.bruteForce(ctx, 10, brute);
            for (int i = 0; i < 10; i++) {
                assertEquals(brute.itemId(i), wide.itemId(i), "rank " + i);
            }
        }
    }
}
