package dev.arbor.train.eval;

/**
 * Adam's moment estimates for one parameter array (Kingma and Ba, 2015). Updates go row by row, so an embedding
 * table updates only the rows a batch touched ("lazy" Adam: an untouched row's moments do not decay), which keeps a
 * step's cost proportional to the batch rather than to the number of items.
 */
final class Adam {

    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPSILON = 1e-8f;

    private final float[] m;
    private final float[] v;

    Adam(int size) {
        m = new float[size];
        v = new float[size];
    }

    /** The bias-corrected step size of step {@code t} (1-based) for learning rate {@code lr}. */
    static float stepSize(float lr, long t) {
        return (float) (lr * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t)));
    }

    /** Updates {@code values[off .. off + length)} against gradient {@code grad[gOff ..]} with {@code stepSize}. */
    void update(float[] values, int off, float[] grad, int gOff, int length, float stepSize) {
        for (int i = 0; i < length; i++) {
            float g = grad[gOff + i];
            float mi = m[off + i] = BETA1 * m[off + i] + (1 - BETA1) * g;
            float vi = v[off + i] = BETA2 * v[off + i] + (1 - BETA2) * g * g;
            values[off + i] -= stepSize * mi / ((float) Math.sqrt(vi) + EPSILON);
        }
    }
}
