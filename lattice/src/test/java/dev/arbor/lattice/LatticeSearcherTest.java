package dev.arbor.lattice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.LatticeShape;
import dev.arbor.testkit.Fuzz;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LatticeSearcherTest {

    /** A random lattice of at most 4096 paths. */
    private static LatticeShape randomLattice(SplittableRandom random) {
        int width = random.nextInt(2, 7);
        int depth = random.nextInt(1, 6);
        while (Math.pow(width, depth) > 4096) {
            depth--;
        }
        return new LatticeShape(width, depth);
    }

    /** Continuous logits, or only 1 to 3 distinct ones (1: every path ties). */
    private static FakeScorer randomScorer(SplittableRandom random, LatticeShape lattice) {
        return new FakeScorer(lattice, random.nextBoolean() ? 0 : random.nextInt(1, 4));
    }

    @Test
    void aBeamThatKeepsEveryPrefixEqualsBruteForce() {
        Fuzz.forAll("full beam equals brute force", 300, random -> {
            LatticeShape lattice = randomLattice(random);
            FakeScorer scorer = randomScorer(random, lattice);
            LatticeSearcher<FakeScorer.User> searcher = new LatticeSearcher<>(scorer);
            LatticeContext<FakeScorer.User> ctx = searcher.newContext();
            ctx.user().seed = random.nextLong();
            int paths = (int) lattice.keySpace();
            int n = random.nextInt(1, paths + 3);
            TopPaths exact = new TopPaths(n), beamed = new TopPaths(n);
            searcher.bruteForce(ctx, n, exact);
            // A narrow search first, so the full one runs on buffers another search has left behind.
            searcher.search(ctx, n, random.nextInt(1, 3), beamed);
            long prefixes = lattice.prefixes(lattice.depth() - 1);
            int beam = random.nextBoolean() ? (int) prefixes + random.nextInt(3) : Integer.MAX_VALUE;
            searcher.search(ctx, n, beam, beamed);

            assertEquals(Math.min(n, paths), exact.count());
            assertEquals(exact.count(), beamed.count());
            for (int i = 0; i < exact.count(); i++) {
                assertEquals(exact.key(i), beamed.key(i), "rank " + i + " of " + lattice);
                assertEquals(exact.logProbability(i), beamed.logProbability(i), 0f, "rank " + i);
                assertEquals(scorer.pathScore(ctx.user(), exact.key(i)), exact.logProbability(i), 0f, "rank " + i);
            }
            assertRankedWithTiesByKey(beamed);
        });
    }

    @Test
    void aNarrowBeamReturnsTheReferenceBeamSearchsPaths() {
        Fuzz.forAll("narrow beam", 300, random -> {
            LatticeShape lattice = randomLattice(random);
            FakeScorer scorer = randomScorer(random, lattice);
            LatticeSearcher<FakeScorer.User> searcher = new LatticeSearcher<>(scorer);
            LatticeContext<FakeScorer.User> ctx = searcher.newContext();
            ctx.user().seed = random.nextLong();
            int paths = (int) lattice.keySpace();
            int prefixes = (int) lattice.prefixes(lattice.depth() - 1);
            int beam = random.nextInt(1, Math.max(2, prefixes));
            int n = random.nextInt(1, paths + 3);
            TopPaths all = new TopPaths(paths), beamed = new TopPaths(n);
            searcher.bruteForce(ctx, paths, all);
            searcher.search(ctx, n, beam, beamed);

            long[] expected = referenceBeamSearch(scorer, ctx.user(), n, beam);
            assertEquals(expected.length, beamed.count(), "beam " + beam + " on " + lattice);
            assertEquals(Math.min(n, Math.min(beam, prefixes) * lattice.k()), beamed.count());
            float[] exact = new float[paths];
            for (int i = 0; i < paths; i++) {
                exact[(int) all.key(i)] = all.logProbability(i);
            }
            for (int i = 0; i < beamed.count(); i++) {
                assertEquals(expected[i], beamed.key(i), "rank " + i + ", beam " + beam + " on " + lattice);
                // A subset of all paths, each with the score brute force gives it.
                assertEquals(exact[(int) beamed.key(i)], beamed.logProbability(i), 0f);
            }
            assertRankedWithTiesByKey(beamed);
            assertTrue(beamed.logProbability(0) <= all.logProbability(0));
        });
    }

    /**
     * Beam search by the paper's definition, written plainly: extend, sort by (score desc, key asc), keep the beam.
     */
    private static long[] referenceBeamSearch(FakeScorer scorer, FakeScorer.User user, int n, int beam) {
        LatticeShape lattice = scorer.lattice();
        int width = lattice.k(), depth = lattice.depth();
        long[] keys = {0};
        float[] sums = {0f};
        float[] out = new float[width];
        for (int layer = 0; layer < depth; layer++) {
            long[] nextKeys = new long[keys.length * width];
            float[] nextSums = new float[nextKeys.length];
            for (int i = 0; i < keys.length; i++) {
                int[] row = new int[layer];
                for (int l = layer - 1, k = 0; l >= 0; l--, k++) {
                    row[l] = (int) ((keys[i] / (long) Math.pow(width, k)) % width);
                }
                scorer.logProbabilities(user, layer, row, 1, out);
                for (int c = 0; c < width; c++) {
                    nextKeys[i * width + c] = keys[i] * width + c;
                    nextSums[i * width + c] = out[c] + sums[i];
                }
            }
            int keep = Math.min(layer == depth - 1 ? n : beam, nextKeys.length);
            int[] order = IntStream.range(0, nextKeys.length).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -nextSums[i]).thenComparingLong(i -> nextKeys[i]))
                    .limit(keep).mapToInt(Integer::intValue).toArray();
            if (layer == depth - 1) {
                return Arrays.stream(order).mapToLong(i -> nextKeys[i]).toArray();
            }
            Arrays.sort(order);
            keys = Arrays.stream(order).mapToLong(i -> nextKeys[i]).toArray();
            float[] kept = new float[order.length];
            for (int i = 0; i < order.length; i++) {
                kept[i] = nextSums[order[i]];
            }
            sums = kept;
        }
        throw new AssertionError("unreachable");
    }

    private static void assertRankedWithTiesByKey(TopPaths paths) {
        for (int i = 1; i < paths.count(); i++) {
            float before = paths.logProbability(i - 1), now = paths.logProbability(i);
            assertTrue(before > now || (before == now && paths.key(i - 1) < paths.key(i)),
                    "rank " + i + ": (" + paths.key(i - 1) + ", " + before + ") then (" + paths.key(i) + ", " + now + ")");
        }
    }

    @Test
    void everyPathTiesSoTheSmallestKeysWin() {
        LatticeShape lattice = new LatticeShape(3, 3);
        LatticeSearcher<FakeScorer.User> searcher = new LatticeSearcher<>(new FakeScorer(lattice, 1));
        LatticeContext<FakeScorer.User> ctx = searcher.newContext();
        TopPaths result = new TopPaths(4);
        searcher.search(ctx, 4, 2, result);
        // Layer 0 keeps codes 0 and 1, layer 1 keeps prefixes 00 and 01; the last layer's best are 000, 001, 002, 010.
        assertEquals(0, result.key(0));
        assertEquals(1, result.key(1));
        assertEquals(2, result.key(2));
        assertEquals(3, result.key(3));
        assertEquals((float) (3 * Math.log(1.0 / 3)), result.logProbability(0), 1e-5f);
    }

    @Test
    void pathsScoredNaNAreDropped() {
        LatticeShape lattice = new LatticeShape(3, 2);
        LayerScorer<Object> scorer = new LayerScorer<>() {
            @Override
            public LatticeShape lattice() {
                return lattice;
            }

            @Override
            public Object newUser() {
                return new Object();
            }

            @Override
            public void logProbabilities(Object user, int layer, int[] prefixes, int prefixCount, float[] out) {
                for (int i = 0; i < prefixCount * 3; i++) {
                    out[i] = layer == 0 && i == 1 ? Float.NaN : -1f - i % 3;
                }
            }
        };
        LatticeSearcher<Object> searcher = new LatticeSearcher<>(scorer);
        TopPaths result = new TopPaths(9);
        searcher.search(searcher.newContext(), 9, 3, result);
        assertEquals(6, result.count());
        for (int i = 0; i < result.count(); i++) {
            assertTrue(lattice.code(result.key(i), 0) != 1, "path " + result.key(i));
        }
        assertEquals(0, result.key(0));
        assertEquals(-2f, result.logProbability(0));
    }

    @Test
    void badArgumentsGiveClearErrors() {
        LatticeShape lattice = new LatticeShape(4, 3);
        LatticeSearcher<FakeScorer.User> searcher = new LatticeSearcher<>(new FakeScorer(lattice, 0));
        LatticeContext<FakeScorer.User> ctx = searcher.newContext();
        TopPaths result = new TopPaths(5);
        assertMessage("n must be >= 1", () -> searcher.search(ctx, 0, 5, result));
        assertMessage("beam must be >= 1", () -> searcher.search(ctx, 5, 0, result));
        assertMessage("holds 5 paths, n is 6", () -> searcher.search(ctx, 6, 8, result));
        LatticeSearcher<FakeScorer.User> other = new LatticeSearcher<>(new FakeScorer(lattice, 0));
        assertMessage("another searcher", () -> other.search(ctx, 5, 5, result));
        LatticeSearcher<FakeScorer.User> wide = new LatticeSearcher<>(new FakeScorer(new LatticeShape(65536, 3), 0));
        assertMessage("exceeds the largest array", () -> wide.search(wide.newContext(), 1, 1 << 16, result));
    }

    @Test
    void bruteForceRefusesLargeLattices() {
        LatticeSearcher<FakeScorer.User> searcher = new LatticeSearcher<>(new FakeScorer(new LatticeShape(100, 4), 0));
        assertMessage("refuses more than 4194304",
                () -> searcher.bruteForce(searcher.newContext(), 1, new TopPaths(1)));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
