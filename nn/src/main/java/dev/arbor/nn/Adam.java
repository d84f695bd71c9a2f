package dev.arbor.nn;

/**
 * Adam state for a model: dense Adam over every parameter tensor and lazy (sparse) Adam over the
 * embedding table. Lazy Adam updates the moments and values of only the rows a batch touched, with the
 * global step's bias correction (as TensorFlow's LazyAdam); a dense update would cost a pass over the
 * whole table (a row per tree node) each step and decay the moments of rows the batch did not see.
 * Memory: two floats of moments per parameter and per embedding-table float.
 */
final class Adam {

    private final AdamConfig config;
    private final float[][] m;
    private final float[][] v;
    private final float[] embeddingM;
    private final float[] embeddingV;
    private long step;

    Adam(TrainableModel model, AdamConfig config) {
        this.config = config;
        m = new float[model.parameterCount()][];
        v = new float[model.parameterCount()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new float[model.parameter(i).length];
            v[i] = new float[model.parameter(i).length];
        }
        embeddingM = new float[model.embeddings().length];
        embeddingV = new float[model.embeddings().length];
    }

    /** One step against gradients {@code g}. */
    void apply(TrainableModel model, Gradients g) {
        step++;
        float lr = config.stepSize(step);
        for (int i = 0; i < m.length; i++) {
            float[] w = model.parameter(i);
            config.update(w, m[i], v[i], 0, g.dense[i], 0, w.length, lr);
        }
        RowGradients rows = g.embeddings;
        int d = rows.dim();
        float[] table = model.embeddings();
        for (int s = 0; s < rows.size(); s++) {
            config.update(table, embeddingM, embeddingV, rows.row(s) * d, rows.values(), s * d, d, lr);
        }
    }
}
