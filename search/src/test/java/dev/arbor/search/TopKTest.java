package dev.arbor.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {

    @Test
    void matchesAFullSortWithTiesBrokenByOrdinal() {
        Random random = new Random(3);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + random.nextInt(300);
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                scores[i] = random.nextInt(20); // many ties
            }
            int k = random.nextInt(n + 5);
            int[] expected = IntStream.range(0, n).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, TopK.of(scores, n, k), "trial " + trial);
        }
    }

    @Test
    void drainGivesScoresBestFirstAndTheSelectorIsReusable() {
        TopK top = new TopK(3);
        for (int i = 0; i < 10; i++) {
            top.offer(i, i % 4);
        }
        top.offer(99, Float.NaN);
        int[] items = new int[3];
        float[] scores = new float[3];
        assertEquals(3, top.size());
        top.drain(items, scores);
        assertArrayEquals(new int[] {3, 7, 2}, items);
        assertArrayEquals(new float[] {3, 3, 2}, scores);
        assertEquals(0, top.size());

        top.reset(1);
        top.offer(5, -1);
        top.offer(4, -1);
        assertArrayEquals(new int[] {4}, top.result());
        assertThrows(IllegalArgumentException.class, () -> top.reset(4));
        assertArrayEquals(new int[0], TopK.of(new float[] {1, 2}, 2, 0));
        assertEquals("[1, 0]", Arrays.toString(TopK.of(new float[] {1, 2}, 2, 10)));
    }
}
