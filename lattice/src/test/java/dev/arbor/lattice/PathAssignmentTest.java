package dev.arbor.lattice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.LatticeShape;
import dev.arbor.testkit.Fuzz;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PathAssignmentTest {
    private static final LatticeShape LATTICE = new LatticeShape(4, 2);

    /**
     * Four items, one sample each (η = 1, so s[v, c] is the sample's probability), J = 2:
     * <pre>
     *   item 0: path 1: 0.5   path 2: 0.3    path 3: 0.2
     *   item 1: path 1: 0.6   path 2: 0.3    path 4: 0.1
     *   item 2: path 1: 0.4   path 2: 0.35   path 5: 0.25   (samples: 1, or 4 with s four times as large)
     *   item 3: path 1: 0.5   path 3: 0.45   path 6: 0.05
     * </pre>
     */
    private static PathScores handBuilt(int samplesOfItem2) {
        PathScores scores = new PathScores(LATTICE, 4, 3, 1);
        scores.add(0, new long[] {1, 2, 3}, new double[] {0.5, 0.3, 0.2}, 3);
        scores.add(1, new long[] {1, 2, 4}, new double[] {0.6, 0.3, 0.1}, 3);
        for (int i = 0; i < samplesOfItem2; i++) {
            scores.add(2, new long[] {1, 2, 5}, new double[] {0.4, 0.35, 0.25}, 3);
        }
        scores.add(3, new long[] {1, 3, 6}, new double[] {0.5, 0.45, 0.05}, 3);
        return scores;
    }

    private static long[] paths(PathAssignment assignment, int item) {
        long[] paths = new long[assignment.pathCount(item)];
        for (int j = 0; j < paths.length; j++) {
            paths[j] = assignment.path(item, j);
        }
        return paths;
    }

    @Test
    void aSmallPenaltyLeavesTheGreedyChoiceToTheScores() {
        // Δf(n) = f(n+1) - f(n) with f(x) = x^4/4: Δf(0) = 0.25, Δf(1) = 3.75, Δf(2) = 16.25, Δf(3) = 43.75.
        // With α = 0.001 the penalty is at most 0.044, less than any score gap's log:
        //   item 0: slot 1: log 0.5 - 0.00025 = -0.6934 beats log 0.3 - 0.00025 = -1.2042; slot 2 (σ = 0.5):
        //           log 0.8 - 0.00025 = -0.2234 beats log 0.7 - 0.00025 = -0.3569.        |1| = 1, |2| = 1
        //   item 1: log 0.6 - 0.00375 = -0.5146 beats log 0.3 - 0.00375 = -1.2077; then (σ = 0.6)
        //           log 0.9 - 0.00375 = -0.1091 beats log 0.7 - 0.00025 = -0.3569.        |1| = 2, |2| = 2
        //   item 2: log 0.4 - 0.01625 = -0.9325 beats log 0.35 - 0.01625 = -1.0661 and log 0.25 - 0.00025 = -1.3865;
        //           then (σ = 0.4) log 0.75 - 0.01625 = -0.3039 beats log 0.65 - 0.00025 = -0.4310.  |1| = 3, |2| = 3
        //   item 3: log 0.5 - 0.04375 = -0.7369 beats log 0.45 - 0.00025 = -0.7988; then (σ = 0.5)
        //           log 0.95 - 0.00375 = -0.0551 beats log 0.55 - 0.00025 = -0.5981.      |1| = 4, |3| = 2
        PathAssignment assignment = PathAssignment.assign(handBuilt(1), 2, 0.001, 1);
        assertArrayEquals(new long[] {1, 2}, paths(assignment, 0));
        assertArrayEquals(new long[] {1, 2}, paths(assignment, 1));
        assertArrayEquals(new long[] {1, 2}, paths(assignment, 2));
        assertArrayEquals(new long[] {1, 3}, paths(assignment, 3));
        assertEquals(new PathSizes(3, 4, 8 / 3.0, 3, 4, 4, 0), assignment.sizes());
        // α = 0 chooses the same here.
        assertEquals(assignment.sizes(), PathAssignment.assign(handBuilt(1), 2, 0, 1).sizes());
    }

    @Test
    void aLargerPenaltyMovesItemsOffCrowdedPaths() {
        // α = 0.05: penalties 0.0125, 0.1875, 0.8125, 2.1875 for a path of 0, 1, 2, 3 items.
        //   item 0: as before, log 0.5 - 0.0125 = -0.7057 first, then log 0.8 - 0.0125 = -0.2356 over
        //           log 0.7 - 0.0125 = -0.3692.                                            |1| = 1, |2| = 1
        //   item 1: log 0.6 - 0.1875 = -0.6983 beats log 0.3 - 0.1875 = -1.3915; then (σ = 0.6)
        //           log 0.9 - 0.1875 = -0.2929 beats log 0.7 - 0.0125 = -0.3692.           |1| = 2, |2| = 2
        //   item 2: path 5 first now: log 0.25 - 0.0125 = -1.3988 beats log 0.4 - 0.8125 = -1.7288 and
        //           log 0.35 - 0.8125 = -1.8623; then (σ = 0.25) log 0.65 - 0.8125 = -1.2433 for path 1 beats
        //           log 0.6 - 0.8125 = -1.3233 for path 2.                                   |1| = 3, |5| = 1
        //   item 3: path 3 first: log 0.45 - 0.0125 = -0.8110 beats log 0.5 - 2.1875 = -2.8807; then (σ = 0.45)
        //           path 6: log 0.5 - 0.0125 = -0.7057 beats path 1: log 0.95 - 2.1875 = -2.2388.  |3| = 1, |6| = 1
        PathAssignment assignment = PathAssignment.assign(handBuilt(1), 2, 0.05, 1);
        assertArrayEquals(new long[] {1, 2}, paths(assignment, 0));
        assertArrayEquals(new long[] {1, 2}, paths(assignment, 1));
        assertArrayEquals(new long[] {5, 1}, paths(assignment, 2));
        assertArrayEquals(new long[] {3, 6}, paths(assignment, 3));
        assertEquals(new PathSizes(5, 3, 8 / 5.0, 1, 3, 3, 0), assignment.sizes());
    }

    @Test
    void anItemsSampleCountWeighsItsScoresAgainstThePenalty() {
        // Item 2 with 4 samples: N = 4 and s = 1.6, 1.4, 1.0. With α = 0.05, after items 0 and 1 (|1| = 2, |2| = 2):
        //   slot 1: path 1: 4·log 1.6 - 0.8125 = 1.0675 beats path 2: 4·log 1.4 - 0.8125 = 0.5334 and
        //           path 5: 4·log 1.0 - 0.0125 = -0.0125 (with N = 1, path 5 won);
        //   slot 2 (σ = 1.6): path 5: 4·log 2.6 - 0.0125 = 3.8096 beats path 2: 4·log 3.0 - 0.8125 = 3.5819.
        // Item 3 then sees |1| = 3 and chooses as before.
        PathAssignment assignment = PathAssignment.assign(handBuilt(4), 2, 0.05, 1);
        assertArrayEquals(new long[] {1, 5}, paths(assignment, 2));
        assertArrayEquals(new long[] {3, 6}, paths(assignment, 3));
    }

    @Test
    void theSizePenaltyIsTheIncrementOfAQuarticOverFour() {
        assertEquals(0.25, PathAssignment.penaltyIncrement(0));
        assertEquals(3.75, PathAssignment.penaltyIncrement(1));
        assertEquals((Math.pow(1001, 4) - Math.pow(1000, 4)) / 4, PathAssignment.penaltyIncrement(1000), 1e-3);
    }

    /** Random scores: items with 0 to S candidates over a small lattice, so that paths crowd. */
    private static PathScores randomScores(SplittableRandom random) {
        LatticeShape lattice = new LatticeShape(random.nextInt(2, 5), 2);
        int items = random.nextInt(1, 60), capacity = random.nextInt(1, 7);
        PathScores scores = new PathScores(lattice, items, capacity, random.nextDouble(0.5, 1));
        for (int sample = 0, samples = random.nextInt(0, 4 * items); sample < samples; sample++) {
            int n = (int) Math.min(random.nextInt(0, capacity + 2), lattice.keySpace());
            long[] keys = random.longs(0, lattice.keySpace()).distinct().limit(n).toArray();
            scores.add(random.nextInt(items), keys, random.doubles(keys.length, 0.001, 1).toArray(), keys.length);
        }
        return scores;
    }

    @Test
    void withoutPenaltyEachItemTakesItsJBestCandidates() {
        Fuzz.forAll("alpha 0 takes the best", 200, random -> {
            PathScores scores = randomScores(random);
            int j = random.nextInt(1, 5);
            PathAssignment assignment = PathAssignment.assign(scores, j, 0, random.nextInt(1, 4));
            for (int item = 0; item < scores.items(); item++) {
                assertEquals(Math.min(j, scores.candidates(item)), assignment.pathCount(item), "item " + item);
                for (int slot = 0; slot < assignment.pathCount(item); slot++) {
                    assertEquals(scores.key(item, slot), assignment.path(item, slot), "item " + item + " slot " + slot);
                }
            }
            checkConsistent(scores, assignment);
        });
    }

    @Test
    void aDominatingPenaltyShrinksTheLargestPathToThePigeonholeBound() {
        // Every item has the same candidate paths C. No assignment of J distinct paths of C per item can put fewer than
        // ceil(items·J / |C|) items on its largest path. A penalty that outweighs any difference of scores makes each
        // slot take a least crowded path, which keeps all sizes within one of each other: the bound, no more than any
        // smaller α gives.
        double[] alphas = {0, 1e-4, 1e-3, 1e-2, 0.1, 1, 10};
        Fuzz.forAll("dominating penalty", 200, random -> {
            LatticeShape lattice = new LatticeShape(random.nextInt(2, 5), 2);
            int paths = random.nextInt(1, (int) Math.min(7, lattice.keySpace()) + 1);
            long[] shared = random.longs(0, lattice.keySpace()).distinct().limit(paths).toArray();
            int items = random.nextInt(1, 40), j = random.nextInt(1, paths + 1);
            PathScores scores = new PathScores(lattice, items, paths, 1);
            for (int item = 0; item < items; item++) {
                for (int sample = random.nextInt(1, 4); sample > 0; sample--) {
                    scores.add(item, shared, random.doubles(paths, 0.001, 1).toArray(), paths);
                }
            }
            int bound = (items * j + paths - 1) / paths;
            PathAssignment balanced = PathAssignment.assign(scores, j, 1e6, 1);
            checkConsistent(scores, balanced);
            assertEquals(bound, balanced.sizes().largest(), items + " items × " + j + " paths over " + paths);
            assertEquals(Math.min(paths, items * j), balanced.sizes().paths());
            for (double alpha : alphas) {
                PathAssignment assignment = PathAssignment.assign(scores, j, alpha, 1);
                checkConsistent(scores, assignment);
                assertTrue(assignment.sizes().largest() >= bound, "α = " + alpha);
            }
        });
    }

    @Test
    void oneGreedyPassCanCrowdAPathThatALaterPassRelieves() {
        // The largest path is not monotone in α: J = 1, item 0 has only path 1, item 1 prefers path 1 (0.6) to path 2
        // (0.4), items 2 and 3 have only path 2.
        PathScores scores = new PathScores(LATTICE, 4, 2, 1);
        scores.add(0, new long[] {1}, new double[] {1}, 1);
        scores.add(1, new long[] {1, 2}, new double[] {0.6, 0.4}, 2);
        scores.add(2, new long[] {2}, new double[] {1}, 1);
        scores.add(3, new long[] {2}, new double[] {1}, 1);
        // α = 0: items 0 and 1 on path 1, items 2 and 3 on path 2.
        assertEquals(2, PathAssignment.assign(scores, 1, 0, 1).sizes().largest());
        // α = 1: item 1 sees |1| = 1 and takes path 2 (log 0.4 - 0.25 = -1.17 beats log 0.6 - 3.75 = -4.26), not
        // knowing that items 2 and 3 come next: path 2 ends with 3 items.
        PathAssignment onePass = PathAssignment.assign(scores, 1, 1, 1);
        assertEquals(2, onePass.path(1, 0));
        assertEquals(3, onePass.sizes().largest());
        // A second pass takes item 1 off path 2 (now |1| = 1, |2| = 2): log 0.6 - 3.75 = -4.26 beats
        // log 0.4 - 16.25 = -17.17, and the sizes are even again.
        PathAssignment twoPasses = PathAssignment.assign(scores, 1, 1, 2);
        assertEquals(1, twoPasses.path(1, 0));
        assertEquals(new PathSizes(2, 2, 2, 2, 2, 2, 0), twoPasses.sizes());
    }

    /** Each item's paths are distinct candidates of its own, and the report counts what the assignment holds. */
    private static void checkConsistent(PathScores scores, PathAssignment assignment) {
        Map<Long, Integer> sizes = new HashMap<>();
        int shortItems = 0;
        for (int item = 0; item < scores.items(); item++) {
            Set<Long> candidates = new HashSet<>();
            for (int rank = 0; rank < scores.candidates(item); rank++) {
                candidates.add(scores.key(item, rank));
            }
            Set<Long> seen = new HashSet<>();
            for (int slot = 0; slot < assignment.pathCount(item); slot++) {
                long path = assignment.path(item, slot);
                assertTrue(candidates.contains(path), "item " + item + " got path " + path + ", not a candidate");
                assertTrue(seen.add(path), "item " + item + " got path " + path + " twice");
                sizes.merge(path, 1, Integer::sum);
            }
            shortItems += assignment.pathCount(item) < assignment.pathsPerItem() ? 1 : 0;
        }
        int[] counts = sizes.values().stream().mapToInt(Integer::intValue).sorted().toArray();
        PathSizes report = assignment.sizes();
        assertEquals(counts.length, report.paths());
        assertEquals(counts.length == 0 ? 0 : counts[counts.length - 1], report.largest());
        assertEquals(counts.length == 0 ? 0 : Arrays.stream(counts).average().orElseThrow(), report.mean(), 1e-9);
        assertEquals(shortItems, report.shortItems());
    }

    @Test
    void badArgumentsGiveClearErrors() {
        PathScores scores = handBuilt(1);
        assertMessage("paths per item (J) must be >= 1", () -> PathAssignment.assign(scores, 0, 0, 1));
        assertMessage("penalty factor (α) must be finite and >= 0, got -1.0",
                () -> PathAssignment.assign(scores, 1, -1, 1));
        assertMessage("got NaN", () -> PathAssignment.assign(scores, 1, Double.NaN, 1));
        assertMessage("passes must be >= 1", () -> PathAssignment.assign(scores, 1, 0, 0));
        assertMessage("item 4 outside [0, 4)", () -> PathAssignment.assign(scores, 1, 0, 1).pathCount(4));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
