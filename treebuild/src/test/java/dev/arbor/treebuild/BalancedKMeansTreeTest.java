package dev.arbor.treebuild;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.TreeShape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BalancedKMeansTreeTest {

    private static final int DIM = 24;
    private static final int CLUSTERS = 8;

    /** {@code items} points around {@link #CLUSTERS} far-apart centres; item i belongs to cluster i % 8. */
    private static float[] blobs(int items, int dim, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] centres = new float[CLUSTERS * dim];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) (10 * random.nextGaussian());
        }
        float[] data = new float[items * dim];
        for (int i = 0; i < items; i++) {
            for (int k = 0; k < dim; k++) {
                data[i * dim + k] = centres[(i % CLUSTERS) * dim + k] + (float) random.nextGaussian();
            }
        }
        return data;
    }

    private static float[] uniform(int items, int dim, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] data = new float[items * dim];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextDouble();
        }
        return data;
    }

    private static BalancedKMeansTree.Config config(long seed, int threads) {
        return BalancedKMeansTree.Config.defaults(seed).withParallelism(threads);
    }

    /** Share of items that fall in the node holding most of their cluster on {@code level}. */
    private static double clusterCohesion(TreeShape shape, int[] leafOf, int level) {
        int[][] counts = countsPerNode(shape, leafOf, level);
        long kept = 0;
        for (int c = 0; c < CLUSTERS; c++) {
            int max = 0;
            for (int[] node : counts) {
                max = Math.max(max, node[c]);
            }
            kept += max;
        }
        return (double) kept / leafOf.length;
    }

    /** Share of items that belong to the majority cluster of their node on {@code level}. */
    private static double nodePurity(TreeShape shape, int[] leafOf, int level) {
        long majority = 0;
        for (int[] node : countsPerNode(shape, leafOf, level)) {
            majority += Arrays.stream(node).max().orElseThrow();
        }
        return (double) majority / leafOf.length;
    }

    private static int[][] countsPerNode(TreeShape shape, int[] leafOf, int level) {
        int[][] counts = new int[shape.levelSize(level)][CLUSTERS];
        int first = shape.levelStart(level);
        for (int item = 0; item < leafOf.length; item++) {
            int node = shape.ancestorAt(shape.leafNode(leafOf[item]), level);
            counts[node - first][item % CLUSTERS]++;
        }
        return counts;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 16})
    void separatedClustersStayTogether(int branching) {
        int items = 4096;
        TreeShape shape = TreeShape.forItems(branching, items);
        int[] leafOf = BalancedKMeansTree.build(shape, blobs(items, DIM, 1), DIM, config(7, 2));
        TreeAssertions.assertBalanced(shape, leafOf);

        int fine = 0;
        while (shape.levelSize(fine) < CLUSTERS) {
            fine++;
        }
        // Random placement gives about 0.16 (fine) and 0.25 to 0.5 (coarse).
        double purity = nodePurity(shape, leafOf, fine);
        assertTrue(purity > 0.95, "node purity " + purity + " on level " + fine);
        int coarse = shape.levelSize(fine) == CLUSTERS ? fine : fine - 1;
        if (coarse > 0) {
            double cohesion = clusterCohesion(shape, leafOf, coarse);
            assertTrue(cohesion > 0.95, "cluster cohesion " + cohesion + " on level " + coarse);
        }
    }

    @Test
    void sampledCentroidsStillSeparateClusters() {
        // Nodes above 512 items fit centroids on a sample; the final assignment still covers every item.
        int items = 4096;
        TreeShape shape = TreeShape.forItems(2, items);
        BalancedKMeansTree.Config config = new BalancedKMeansTree.Config(10, 512, 2, 3);
        int[] leafOf = BalancedKMeansTree.build(shape, blobs(items, DIM, 2), DIM, config);
        TreeAssertions.assertBalanced(shape, leafOf);
        assertTrue(nodePurity(shape, leafOf, 3) > 0.95);
        assertTrue(clusterCohesion(shape, leafOf, 3) > 0.95);
    }

    @ParameterizedTest
    @CsvSource({"2,1", "2,2", "2,3", "2,1000", "2,1023", "2,1025", "4,1", "4,3", "4,5", "4,1000", "4,1023",
            "4,1025", "16,1", "16,17", "16,1000", "16,1023", "16,1025", "3,500"})
    void balanceIsExactForAnyItemCount(int branching, int items) {
        TreeShape shape = TreeShape.forItems(branching, items);
        int[] leafOf = BalancedKMeansTree.build(shape, uniform(items, 5, items), 5, config(1, 2));
        TreeAssertions.assertBalanced(shape, leafOf);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 16})
    void deterministicForSeedWhateverTheParallelism(int branching) {
        int items = 3000;
        TreeShape shape = TreeShape.forItems(branching, items);
        float[] data = uniform(items, DIM, 5);
        int[] sequential = BalancedKMeansTree.build(shape, data, DIM, config(9, 1));
        assertArrayEquals(sequential, BalancedKMeansTree.build(shape, data, DIM, config(9, 4)));
        assertArrayEquals(sequential, BalancedKMeansTree.build(shape, data, DIM, config(9, 2)));
        assertFalse(Arrays.equals(sequential, BalancedKMeansTree.build(shape, data, DIM, config(10, 2))));
    }

    @Test
    void deterministicWhenBigNodesScoreInParallel() {
        // 40,000 items over a 1,024-item sample: the root's full assignment is split into parallel chunks.
        int items = 40_000;
        int dim = 8;
        TreeShape shape = TreeShape.forItems(4, items);
        float[] data = uniform(items, dim, 6);
        BalancedKMeansTree.Config sequential = new BalancedKMeansTree.Config(4, 1024, 1, 2);
        int[] expected = BalancedKMeansTree.build(shape, data, dim, sequential);
        TreeAssertions.assertBalanced(shape, expected);
        assertArrayEquals(expected, BalancedKMeansTree.build(shape, data, dim, sequential.withParallelism(3)));
    }

    @Test
    void identicalEmbeddingsStillFillTheTree() {
        TreeShape shape = TreeShape.forItems(4, 300);
        TreeAssertions.assertBalanced(shape, BalancedKMeansTree.build(shape, new float[300 * 3], 3, config(1, 2)));
    }

    @Test
    void rejectsBadInput() {
        TreeShape shape = TreeShape.forItems(2, 10);
        assertThrows(IllegalArgumentException.class,
                () -> BalancedKMeansTree.build(shape, new float[29], 3, config(1, 1)));
        float[] nan = new float[30];
        nan[17] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> BalancedKMeansTree.build(shape, nan, 3, config(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> new BalancedKMeansTree.Config(0, 10, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> BalancedKMeansTree.build(TreeShape.forItems(16, 100), new float[100], 1,
                        new BalancedKMeansTree.Config(5, 8, 1, 1)));
    }
}
