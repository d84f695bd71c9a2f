package dev.arbor.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ItemCfTest {

    /** Histories over 5 items; items 0 and 1 always go together, 2 sometimes joins them, 3 and 4 are apart. */
    private static Histories histories() {
        int[][] users = {{0, 1}, {1, 0}, {0, 1, 2, 2}, {2, 3}, {3, 4}};
        int[] offsets = new int[users.length + 1];
        int[] items = new int[12];
        int n = 0;
        for (int u = 0; u < users.length; u++) {
            for (int item : users[u]) {
                items[n++] = item;
            }
            offsets[u + 1] = n;
        }
        return new Histories(5, offsets, java.util.Arrays.copyOf(items, n));
    }

    @Test
    void cosineSimilaritiesOfTheKnownNeighbours() {
        ItemCf cf = ItemCf.fit(histories(), 10, 1);
        // n(0) = n(1) = 3, n(2) = 2 (user 2's repeat counts once), n(3) = 2, n(4) = 1
        assertArrayEquals(new int[] {1, 2}, cf.neighbours(0));
        assertArrayEquals(new float[] {1f, (float) (1 / Math.sqrt(6))}, cf.similarities(0), 1e-6f);
        assertArrayEquals(new int[] {3, 0, 1}, cf.neighbours(2)); // 1/sqrt(4) beats 1/sqrt(6); 0 before 1 on a tie
        assertArrayEquals(new float[] {0.5f, (float) (1 / Math.sqrt(6)), (float) (1 / Math.sqrt(6))},
                cf.similarities(2), 1e-6f);
        assertArrayEquals(new int[] {4, 2}, cf.neighbours(3));
        assertArrayEquals(new float[] {(float) (1 / Math.sqrt(2)), 0.5f}, cf.similarities(3), 1e-6f);
    }

    @Test
    void keepsOnlyTheTopNeighbours() {
        ItemCf cf = ItemCf.fit(histories(), 1, 2);
        assertArrayEquals(new int[] {1}, cf.neighbours(0));
        assertArrayEquals(new int[] {3}, cf.neighbours(2));
        assertEquals(5, cf.numItems());
    }

    @Test
    void recommendsBySummedSimilarity() {
        ItemCf cf = ItemCf.fit(histories(), 10, 1);
        // input {0, 4}: 1 gets 1, 2 gets 1/sqrt(6), 3 gets 1/sqrt(2) from 4
        assertArrayEquals(new int[] {1, 3, 2}, cf.recommend(new int[] {0, 4, 0}, 5));
        assertArrayEquals(new int[] {1, 3}, cf.recommend(new int[] {0, 4}, 2));
        // input {0, 2}: 1 gets 1 + 1/sqrt(6); 0 itself is 2's neighbour and is dropped only when input is excluded
        assertArrayEquals(new int[] {1, 3, 0, 2}, cf.recommend(new int[] {0, 2}, 10));
        assertArrayEquals(new int[] {1, 3}, cf.excludingInput().recommend(new int[] {0, 2}, 10));
        assertArrayEquals(new int[0], cf.recommend(new int[0], 10));
    }
}
