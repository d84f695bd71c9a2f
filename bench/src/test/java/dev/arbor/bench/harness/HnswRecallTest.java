package dev.arbor.bench.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The HNSW rows' recall: tie-aware against the exact top K, and exact ids beside it. */
class HnswRecallTest {
    private static final int DIM = 8, K = 20;

    @Test
    void tiedItemsCountAsFoundButOnlyTiedOnes() {
        // 40 copies of one vector that every query prefers, and 400 clearly worse items: any 20 of the copies are
        // a correct top 20, whichever the exact scan happened to keep.
        int copies = 40, others = 400, n = copies + others;
        SplittableRandom random = new SplittableRandom(5);
        float[] best = new float[DIM];
        for (int j = 0; j < DIM; j++) {
            best[j] = 1f;
        }
        float[] items = new float[n * DIM];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < DIM; j++) {
                items[i * DIM + j] = i < copies ? best[j] : 0.2f * (float) random.nextGaussian();
            }
        }
        float[][] queries = {best.clone(), best.clone()};
        int[][] truth = new int[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            truth[q] = HnswSearchBench.exactTop(items, n, DIM, queries[q], K);
        }
        HnswIndex index = HnswIndex.build(items, n, DIM, HnswIndex.Options.DEFAULTS);
        double[] recall = HnswSearchBench.recall(index, items, DIM, queries, truth, K, n);
        assertEquals(1.0, recall[0], 1e-9, "every returned item ties the 20th best");
        assertTrue(recall[1] <= recall[0]);

        // Distinct random vectors: a full-width search is exact, and at K = 1 (no ties) the two recalls agree.
        float[] spread = new float[n * DIM];
        for (int i = 0; i < spread.length; i++) {
            spread[i] = (float) random.nextGaussian();
        }
        float[][] many = new float[30][DIM];
        for (float[] q : many) {
            for (int j = 0; j < DIM; j++) {
                q[j] = (float) random.nextGaussian();
            }
        }
        int[][] exact = new int[many.length][];
        for (int q = 0; q < many.length; q++) {
            exact[q] = HnswSearchBench.exactTop(spread, n, DIM, many[q], K);
        }
        HnswIndex distinct = HnswIndex.build(spread, n, DIM, HnswIndex.Options.DEFAULTS);
        double[] full = HnswSearchBench.recall(distinct, spread, DIM, many, exact, K, n);
        assertArrayEquals(new double[] {1, 1}, full, 1e-9, "a beam over every item is exact");
        double[] narrow = HnswSearchBench.recall(distinct, spread, DIM, many, exact, 1, 1);
        assertEquals(narrow[1], narrow[0], 1e-9, "no ties: the two recalls agree");
    }

    @Test
    void theExactTopKIsBestFirst() {
        float[] items = {1, 0, 3, 0, 2, 0, -1, 0};
        assertArrayEquals(new int[] {1, 2, 0}, HnswSearchBench.exactTop(items, 4, 2, new float[] {1, 0}, 3));
    }
}
