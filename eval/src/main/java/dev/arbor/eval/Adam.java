package dev.arbor.eval;

import dev.arbor.nn.AdamConfig;

/**
 * Adam's moment estimates for one parameter array (Kingma and Ba, 2015), with the paper's betas and epsilon and
 * the update rule of {@link AdamConfig}. Updates go row by row, so an embedding table updates only the rows a batch
 * touched ("lazy" Adam: an untouched row's moments do not decay), which keeps a step's cost proportional to the
 * batch rather than to the number of items.
 */
final class Adam {

    /** Betas and epsilon; the learning rate comes with each step size. */
    private static final AdamConfig RULE = AdamConfig.of(1f);

    private final float[] m;
    private final float[] v;

    Adam(int size) {
        m = new float[size];
        v = new float[size];
    }

    /** The bias-corrected step size of step {@code t} (1-based) for learning rate {@code lr}. */
    static float stepSize(float lr, long t) {
        return RULE.withLearningRate(lr).stepSize(t);
    }

    /** Updates {@code values[off .. off + length)} against gradient {@code grad[gOff ..]} with {@code stepSize}. */
    void update(float[] values, int off, float[] grad, int gOff, int length, float stepSize) {
        RULE.update(values, m, v, off, grad, gOff, length, stepSize);
    }
}
