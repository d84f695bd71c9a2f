package dev.arbor.bench.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HnswIndexTest {
    private static final int ITEMS = 1500, DIM = 12, K = 10;

    /** With a search beam as wide as the catalogue the graph finds the exact inner-product top K, exclusions kept. */
    @Test
    void aBeamOverEveryItemFindsTheExactTopKOfTheAdmittedItems() {
        SplittableRandom random = new SplittableRandom(3);
        float[] rows = new float[ITEMS * DIM];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) random.nextGaussian();
        }
        HnswIndex index = HnswIndex.build(rows, ITEMS, DIM, HnswIndex.Options.DEFAULTS);
        HnswIndex.Searcher searcher = index.newSearcher();
        int[] out = new int[K];
        for (int q = 0; q < 20; q++) {
            float[] query = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                query[j] = (float) random.nextGaussian();
            }
            int banned = q * 7;
            int found = searcher.search(query, K, ITEMS, item -> item != banned, out);
            assertEquals(K, found);
            int[] exact = IntStream.range(0, ITEMS).filter(i -> i != banned).boxed()
                    .sorted(Comparator.comparingDouble(i -> -dot(query, rows, i))).limit(K).mapToInt(Integer::intValue)
                    .toArray();
            int[] got = out.clone();
            Arrays.sort(got);
            Arrays.sort(exact);
            assertArrayEquals(exact, got, "query " + q);
            assertTrue(Arrays.stream(out).noneMatch(i -> i == banned));
        }
    }

    private static double dot(float[] q, float[] rows, int item) {
        double s = 0;
        for (int j = 0; j < DIM; j++) {
            s += q[j] * rows[item * DIM + j];
        }
        return s;
    }
}
