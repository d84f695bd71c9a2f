package dev.arbor.nn;

import dev.arbor.scorer.Kernels;

import java.util.Arrays;

/** Loss gradients for every parameter tensor of a {@link TrainableModel} and for the embedding rows touched. */
final class Gradients {

    private static final Kernels K = Kernels.best();

    /** Same shapes and order as {@link TrainableModel#parameter(int)}. */
    final float[][] dense;
    final RowGradients embeddings;

    Gradients(TrainableModel model) {
        dense = new float[model.parameterCount()][];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = new float[model.parameter(i).length];
        }
        embeddings = new RowGradients(model.architecture().embeddingDim());
    }

    void clear() {
        for (float[] t : dense) {
            Arrays.fill(t, 0f);
        }
        embeddings.clear();
    }

    void addAll(Gradients other) {
        for (int i = 0; i < dense.length; i++) {
            K.axpy(1f, other.dense[i], 0, dense[i], 0, dense[i].length);
        }
        embeddings.addAll(other.embeddings);
    }
}
