package dev.arbor.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeIndex;
import dev.arbor.format.LatticeShape;
import dev.arbor.format.LatticeWeights;
import dev.arbor.lattice.LatticeModelScorer;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.scorer.Kernels;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arbor search} on a path-lattice segment: beam over the paths, the items collected and reranked. */
class LatticeSearchCommandTest {
    private static final int ITEMS = 200, K = 8, D = 3, J = 2, DIM = 8;

    @TempDir
    Path dir;

    private static LatticeIndex randomIndex(long seed) {
        LatticeArchitecture arch = new LatticeArchitecture(new LatticeShape(K, D), DIM, BehaviourWindows.sizes(),
                new int[] {16, 8}, new int[] {8});
        SplittableRandom r = new SplittableRandom(seed);
        long[] ids = new long[ITEMS];
        int[] paths = new int[ITEMS * J * D];
        for (int i = 0; i < ITEMS; i++) {
            ids[i] = 1000 + 3L * i;
            for (int j = 0; j < J; j++) {
                for (int d = 0; d < D; d++) {
                    // The two paths of an item differ in their last code, so they are distinct.
                    paths[(i * J + j) * D + d] = d == D - 1 ? (i + j) % K : r.nextInt(K);
                }
                if (j == 1) {
                    System.arraycopy(paths, i * J * D, paths, (i * J + 1) * D, D - 1);
                }
            }
        }
        float[] emb = new float[ITEMS * DIM], rerank = new float[ITEMS * DIM];
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (float) r.nextGaussian();
            rerank[i] = (float) r.nextGaussian();
        }
        return new LatticeIndex(LatticeWeights.gaussian(arch, 0.3, seed), J, ids, paths, emb, rerank, Map.of());
    }

    /** Item ids of a run's result lines, in rank order. */
    private static long[] printed(CliTest.Run run) {
        return run.out().lines().filter(l -> l.matches("\\d+ +\\d+ .*")).mapToLong(l -> Long.parseLong(
                l.trim().split(" +")[1])).toArray();
    }

    /** The reranker's score of every item but the history's, sorted; no paths involved. */
    private static long[] rerankOracle(Path index, long[] historyIds, int k) throws Exception {
        try (LatticeSegment s = IndexDirectory.openLatestLatticeVerified(index)) {
            LatticeModelScorer scorer = s.scorer(Kernels.best());
            LatticeModelScorer.User user = scorer.newUser();
            int[] history = Arrays.stream(historyIds).mapToInt(s::ordinalOf).toArray();
            scorer.prepare(user, history, history.length);
            int[] all = IntStream.range(0, ITEMS).filter(i -> Arrays.stream(history).noneMatch(h -> h == i)).toArray();
            float[] scores = new float[all.length];
            scorer.score(user, all, all.length, scores);
            return IntStream.range(0, all.length).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> all[i]))
                    .limit(k).mapToLong(i -> s.itemId(all[i])).toArray();
        }
    }

    @Test
    void aBeamOverEveryPathAndTheBruteForceRerankEveryItemButTheHistory() throws Exception {
        Path index = dir.resolve("lattice");
        SegmentWriter.write(index, randomIndex(3));
        CliTest.Run run = CliTest.arbor("search", index.toString(), "--history", "1000,1030,1597", "-k", "20", "--beam",
                "512");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("20 results; beam 512 over the lattice scored 197 items (the index holds 200"
                + " items)"), run.out());
        long[] expected = rerankOracle(index, new long[] {1000, 1030, 1597}, 20);
        assertArrayEquals(expected, printed(run), run.out());
        CliTest.Run brute = CliTest.arbor("search", index.toString(), "--history", "1000,1030,1597", "-k", "20",
                "--brute-force");
        assertEquals(0, brute.code(), brute.err());
        assertTrue(brute.out().contains("20 results; brute force over the lattice scored 197 items"), brute.out());
        assertArrayEquals(expected, printed(brute), brute.out());
    }

    @Test
    void aNarrowBeamReturnsOnlyItsPathsItemsAndBadRequestsAreNamed() throws Exception {
        Path index = dir.resolve("lattice");
        SegmentWriter.write(index, randomIndex(4));
        CliTest.Run run = CliTest.arbor("search", index.toString(), "--history", "1000", "-k", "3", "--beam", "3");
        assertEquals(0, run.code(), run.err());
        // Three of 512 paths hold few of the 400 (item, path) pairs: fewer than k items is the lattice's answer.
        assertTrue(run.out().contains("beam 3 over the lattice"), run.out());
        long printed = printed(run).length;
        assertTrue(printed >= 1 && printed <= 3, run.out());
        CliTest.Run unknown = CliTest.arbor("search", index.toString(), "--history", "7", "-k", "3");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown item id 7"), unknown.err());
    }
}
