package dev.arbor.treebuild;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ColumnKernelsTest {

    private static final int DIM = 7;
    private static final int PAD = ColumnKernels.LANES;

    private static float[] columns(int count, SplittableRandom random) {
        float[] x = new float[count * DIM + PAD];
        for (int i = 0; i < count * DIM; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 16, 17, 100})
    void nearestTwoMatchesScalarScores(int count) {
        SplittableRandom random = new SplittableRandom(count);
        int clusters = 5;
        float[] x = columns(count, random);
        float[] scaled = new float[clusters * DIM];
        float[] norms = new float[clusters];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = (float) random.nextGaussian();
        }
        for (int j = 0; j < clusters; j++) {
            norms[j] = (float) random.nextGaussian();
        }
        boolean[] open = {true, false, true, true, true};
        int padded = count + PAD;
        float[] first = new float[padded];
        float[] second = new float[padded];
        int[] nearest = new int[padded];
        ColumnKernels.nearestTwo(x, 0, count, count, DIM, scaled, norms, open, first, second, nearest);
        for (int i = 0; i < count; i++) {
            float best = Float.POSITIVE_INFINITY;
            float runnerUp = Float.POSITIVE_INFINITY;
            int arg = -1;
            for (int j = 0; j < clusters; j++) {
                if (!open[j]) {
                    continue;
                }
                float score = norms[j];
                for (int k = 0; k < DIM; k++) {
                    score = Math.fma(x[k * count + i], scaled[j * DIM + k], score);
                }
                if (score < best) {
                    runnerUp = best;
                    best = score;
                    arg = j;
                } else if (score < runnerUp) {
                    runnerUp = score;
                }
            }
            assertEquals(best, first[i]);
            assertEquals(runnerUp, second[i]);
            assertEquals(arg, nearest[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 16, 17, 100})
    void lowerSquaredDistanceKeepsTheMinimum(int count) {
        SplittableRandom random = new SplittableRandom(count);
        float[] x = columns(count, random);
        float[] centroid = new float[2 * DIM];
        for (int i = 0; i < centroid.length; i++) {
            centroid[i] = (float) random.nextGaussian();
        }
        float[] nearest = new float[count + PAD];
        Arrays.fill(nearest, Float.POSITIVE_INFINITY);
        ColumnKernels.lowerSquaredDistance(x, 0, count, count, DIM, centroid, 0, nearest);
        ColumnKernels.lowerSquaredDistance(x, 0, count, count, DIM, centroid, DIM, nearest);
        for (int i = 0; i < count; i++) {
            float expected = Float.POSITIVE_INFINITY;
            for (int c = 0; c < 2; c++) {
                float sum = 0;
                for (int k = 0; k < DIM; k++) {
                    float diff = x[k * count + i] - centroid[c * DIM + k];
                    sum = Math.fma(diff, diff, sum);
                }
                expected = Math.min(expected, sum);
            }
            assertEquals(expected, nearest[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 16, 17, 255, 256, 257, 1000})
    void clusterSumsMatchDoubleSums(int count) {
        SplittableRandom random = new SplittableRandom(count);
        int clusters = 3;
        int tile = 256;
        float[] x = columns(count, random);
        int[] labels = new int[count + PAD];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(clusters); // values past count must be ignored
        }
        float[] partial = new float[clusters * DIM * tile];
        float[] totals = new float[DIM];
        float[] sums = new float[clusters * DIM];
        ColumnKernels.columnSums(x, 0, count, count, DIM, tile, partial, totals);
        ColumnKernels.clusterSums(x, 0, count, count, DIM, labels, clusters, totals, tile, partial, sums);
        for (int k = 0; k < DIM; k++) {
            double expected = 0;
            for (int i = 0; i < count; i++) {
                expected += x[k * count + i];
            }
            assertEquals(expected, totals[k], 1e-4 * Math.sqrt(count), "total of dim " + k);
        }
        for (int j = 0; j < clusters; j++) {
            for (int k = 0; k < DIM; k++) {
                double expected = 0;
                for (int i = 0; i < count; i++) {
                    if (labels[i] == j) {
                        expected += x[k * count + i];
                    }
                }
                assertEquals(expected, sums[j * DIM + k], 1e-4 * Math.sqrt(count), "cluster " + j + " dim " + k);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 10, 1000})
    void selectLargestPutsTheTopFirst(int size) {
        SplittableRandom random = new SplittableRandom(size);
        long[] values = new long[size];
        for (int i = 0; i < size; i++) {
            values[i] = (long) random.nextInt(size / 2 + 1) << 32 | i; // equal high halves, as equal regrets
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        for (int k = 1; k < size; k += Math.max(1, size / 7)) {
            long[] a = values.clone();
            NodeSplitter.selectLargest(a, 0, size, k);
            long[] top = Arrays.copyOf(a, k);
            Arrays.sort(top);
            assertArrayEquals(Arrays.copyOfRange(sorted, size - k, size), top, "k=" + k);
        }
    }
}
