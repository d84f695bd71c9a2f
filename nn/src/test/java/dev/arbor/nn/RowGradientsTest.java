package dev.arbor.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RowGradientsTest {

    @Test
    void accumulatesPerRowAcrossGrowthAndClear() {
        int d = 3;
        RowGradients g = new RowGradients(d);
        float[] x = {1f, 2f, 3f};
        for (int round = 0; round < 2; round++) {
            g.clear();
            // Far more rows than the initial capacity, each touched twice, in an order that interleaves them.
            for (int pass = 0; pass < 2; pass++) {
                for (int row = 0; row < 1000; row++) {
                    g.add(row * 7 + 1, row, x, 0);
                }
            }
            assertEquals(1000, g.size());
            for (int s = 0; s < g.size(); s++) {
                int row = g.row(s);
                float scale = (row - 1) / 7f;
                for (int i = 0; i < d; i++) {
                    assertEquals(2 * scale * x[i], g.values()[s * d + i], 1e-3, "row " + row);
                }
            }
            RowGradients sum = new RowGradients(d);
            sum.addAll(g);
            sum.addAll(g);
            assertEquals(4 * 999 * x[2], sum.values()[sum.offsetOf(999 * 7 + 1) + 2], 1e-2);
        }
    }
}
