package dev.arbor.eval;

import it.unimi.dsi.fastutil.ints.IntOpenHashSet;

/**
 * The per-user quantities of the TDM paper's evaluation (section 5.1) and the fidelity of an approximate top-K list.
 * {@link QualityReport} averages them over users.
 */
public final class Metrics {

    private Metrics() {
    }

    /** The F-measure {@code 2PR / (P + R)}, 0 when both are 0. */
    public static double fMeasure(double precision, double recall) {
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /**
     * Fidelity of {@code approximate} to {@code exact}, two top-K lists of the same model (say beam search and brute
     * force): {@code |approximate ∩ exact| / |exact|}, with duplicates counted once. 1 when {@code exact} is empty.
     */
    public static double fidelity(int[] approximate, int[] exact) {
        IntOpenHashSet wanted = new IntOpenHashSet(exact);
        if (wanted.isEmpty()) {
            return 1;
        }
        int found = 0;
        for (int item : approximate) {
            if (wanted.remove(item)) {
                found++;
            }
        }
        return (double) found / (found + wanted.size());
    }
}
