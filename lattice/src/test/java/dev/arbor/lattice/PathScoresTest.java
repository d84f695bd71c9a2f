package dev.arbor.lattice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.LatticeShape;
import dev.arbor.testkit.Fuzz;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PathScoresTest {
    private static final LatticeShape LATTICE = new LatticeShape(4, 2);

    private static void add(PathScores scores, int item, long[] keys, double... probabilities) {
        scores.add(item, keys, probabilities, keys.length);
    }

    private static void assertCandidates(PathScores scores, int item, Object... keysAndScores) {
        assertEquals(keysAndScores.length / 2, scores.candidates(item), "candidates of item " + item);
        for (int rank = 0; rank < keysAndScores.length / 2; rank++) {
            assertEquals(((Number) keysAndScores[2 * rank]).longValue(), scores.key(item, rank), "rank " + rank);
            assertEquals((Double) keysAndScores[2 * rank + 1], scores.score(item, rank), 1e-12, "rank " + rank);
        }
    }

    @Test
    void mergesAsThePaperSays() {
        PathScores scores = new PathScores(LATTICE, 2, 3, 0.5);
        add(scores, 1, new long[] {1, 2}, 0.4, 0.3);
        assertCandidates(scores, 1, 1, 0.4, 2, 0.3);
        // Recorded and new: 0.5·0.3 + 0.2 for path 2; recorded only: 0.5·0.4 for path 1. The list held 2 < S paths, so
        // none was ever dropped and new paths 3 and 4 start from 0. The union's best three stay.
        add(scores, 1, new long[] {2, 3, 4}, 0.2, 0.1, 0.05);
        assertCandidates(scores, 1, 2, 0.35, 1, 0.2, 3, 0.1);
        // The list is full: a new path starts from the smallest recorded score, 0.1 (path 3): 0.5·0.1 + 0.3 for path 5.
        // Recorded: path 2 decays to 0.175, path 1 to 0.1 + 0.1, path 3 to 0.05 and drops out.
        add(scores, 1, new long[] {5, 1}, 0.3, 0.1);
        assertCandidates(scores, 1, 5, 0.35, 1, 0.2, 2, 0.175);
        assertEquals(3, scores.samples(1));
        // A sample with no paths still decays the item's scores, and counts.
        scores.add(1, new long[0], new double[0], 0);
        assertCandidates(scores, 1, 5, 0.175, 1, 0.1, 2, 0.0875);
        assertEquals(4, scores.samples(1));
        assertEquals(0, scores.candidates(0));
        assertEquals(0, scores.samples(0));
    }

    @Test
    void equalScoresKeepTheSmallerKey() {
        PathScores scores = new PathScores(LATTICE, 1, 1, 1);
        add(scores, 0, new long[] {7, 3, 9}, 0.25, 0.25, 0.25);
        assertCandidates(scores, 0, 3, 0.25);
    }

    @Test
    void aSearchsPathsAddTheirProbabilities() {
        PathScores scores = new PathScores(LATTICE, 1, 4, 1);
        TopPaths paths = new TopPaths(2);
        paths.add(6, (float) Math.log(0.5));
        paths.add(2, (float) Math.log(0.125));
        scores.add(0, paths);
        scores.add(0, paths);
        assertEquals(2, scores.candidates(0));
        assertEquals(6, scores.key(0, 0));
        assertEquals(1.0, scores.score(0, 0), 1e-7); // exp of a float log
        assertEquals(2, scores.key(0, 1));
        assertEquals(0.25, scores.score(0, 1), 1e-7);
    }

    @Test
    void withNoDecayAndFewPathsTheScoresAreTheSumsOfProbabilities() {
        Fuzz.forAll("path score sums", 100, random -> {
            int capacity = random.nextInt(1, 8);
            PathScores scores = new PathScores(new LatticeShape(8, 2), 3, capacity, 1);
            List<TreeMap<Long, Double>> sums = List.of(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
            // Each item draws its paths from its own S paths, so none is ever dropped.
            for (int sample = 0; sample < 30; sample++) {
                int item = random.nextInt(3);
                int n = random.nextInt(0, capacity + 1);
                long[] keys = random.longs(0, capacity).distinct().limit(n).map(k -> k + 8L * item).toArray();
                double[] p = random.doubles(keys.length, 0.001, 1).toArray();
                scores.add(item, keys, p, keys.length);
                for (int i = 0; i < keys.length; i++) {
                    sums.get(item).merge(keys[i], p[i], Double::sum);
                }
            }
            for (int item = 0; item < 3; item++) {
                assertEquals(sums.get(item).size(), scores.candidates(item));
                for (int rank = 0; rank < scores.candidates(item); rank++) {
                    assertEquals(sums.get(item).get(scores.key(item, rank)), scores.score(item, rank), 1e-12);
                    assertTrue(rank == 0 || scores.score(item, rank - 1) >= scores.score(item, rank));
                }
            }
        });
    }

    @Test
    void badSamplesAreRefusedAndLeaveTheItemAsItWas() {
        PathScores scores = new PathScores(LATTICE, 2, 3, 0.5);
        add(scores, 0, new long[] {1, 2}, 0.4, 0.3);
        // Zero and NaN add nothing.
        add(scores, 0, new long[] {3, 4}, 0, Double.NaN);
        assertCandidates(scores, 0, 1, 0.2, 2, 0.15);
        assertMessage("appears twice", () -> add(scores, 0, new long[] {5, 6, 5}, 0.1, 0.1, 0.1));
        assertMessage("probability -0.1", () -> add(scores, 0, new long[] {5}, -0.1));
        assertMessage("path key 16 outside [0, 16)", () -> add(scores, 0, new long[] {16}, 0.1));
        assertCandidates(scores, 0, 1, 0.2, 2, 0.15);
        assertEquals(2, scores.samples(0));
        assertMessage("item 2 outside [0, 2)", () -> scores.candidates(2));
        assertMessage("count must be in [0, 1]", () -> scores.add(0, new long[] {1}, new double[2], 2));
        assertMessage("decay (η) must be in (0, 1]", () -> new PathScores(LATTICE, 1, 1, 0));
        assertMessage("capacity (S", () -> new PathScores(LATTICE, 1, 0, 1));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
