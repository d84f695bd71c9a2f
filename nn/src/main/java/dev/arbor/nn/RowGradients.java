package dev.arbor.nn;

import dev.arbor.scorer.Kernels;
import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;

import java.util.Arrays;

/**
 * Gradient of the embedding table restricted to the rows a batch touched: a row id maps to a slot of a
 * growable flat buffer. Kept sparse because the table has a row per tree node or item (millions), of which a
 * mini-batch touches a few thousand; storage is reused across batches. Shared with the lattice trainer, whose item
 * tables are updated the same lazy way.
 */
public final class RowGradients {

    private static final Kernels K = Kernels.best();

    private final int dim;
    private final Int2IntOpenHashMap slotOfRow = new Int2IntOpenHashMap();
    private int[] rows = new int[64];
    private float[] values;
    private int size;

    public RowGradients(int dim) {
        this.dim = dim;
        this.values = new float[rows.length * dim];
        slotOfRow.defaultReturnValue(-1);
    }

    public int dim() {
        return dim;
    }

    /** Rows touched since the last {@link #clear()}. */
    public int size() {
        return size;
    }

    public int row(int slot) {
        return rows[slot];
    }

    /** Flat gradient storage; slot {@code s} lives at {@code [s * dim, (s + 1) * dim)}. */
    public float[] values() {
        return values;
    }

    /** Offset into {@link #values()} of the row's gradient, adding a zeroed slot on first touch. */
    public int offsetOf(int row) {
        int slot = slotOfRow.get(row);
        if (slot < 0) {
            slot = size++;
            if (slot == rows.length) {
                rows = Arrays.copyOf(rows, slot * 2);
                values = Arrays.copyOf(values, slot * 2 * dim);
            }
            rows[slot] = row;
            Arrays.fill(values, slot * dim, (slot + 1) * dim, 0f);
            slotOfRow.put(row, slot);
        }
        return slot * dim;
    }

    /** {@code grad[row] += scale * x[xo .. xo + dim)}. */
    public void add(int row, float scale, float[] x, int xo) {
        int offset = offsetOf(row); // first: it may replace values
        K.axpy(scale, x, xo, values, offset, dim);
    }

    /** Adds every touched row of {@code other} into this one. */
    public void addAll(RowGradients other) {
        for (int s = 0; s < other.size; s++) {
            add(other.rows[s], 1f, other.values, s * dim);
        }
    }

    public void clear() {
        slotOfRow.clear();
        size = 0;
    }
}
