package dev.arbor.latticetrain;

import dev.arbor.nn.RowGradients;
import dev.arbor.scorer.Kernels;
import java.util.Arrays;

/**
 * Loss gradients for every tensor of a {@link TrainableLattice}, and for the rows of its two item tables that a batch
 * touched (kept sparse: a batch touches a few thousand of maybe millions of items).
 */
final class LatticeGradients {
    private static final Kernels K = Kernels.best();

    /** Same shapes and order as {@link TrainableLattice#tensor(int)}. */
    final float[][] dense;
    final RowGradients items, rerankItems;

    LatticeGradients(TrainableLattice model) {
        dense = new float[model.tensorCount()][];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = new float[model.tensor(i).length];
        }
        items = new RowGradients(model.architecture().embeddingDim());
        rerankItems = new RowGradients(model.architecture().embeddingDim());
    }

    void clear() {
        for (float[] t : dense) {
            Arrays.fill(t, 0f);
        }
        items.clear();
        rerankItems.clear();
    }

    void addAll(LatticeGradients other) {
        for (int i = 0; i < dense.length; i++) {
            K.axpy(1f, other.dense[i], 0, dense[i], 0, dense[i].length);
        }
        items.addAll(other.items);
        rerankItems.addAll(other.rerankItems);
    }
}
