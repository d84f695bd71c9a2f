package dev.arbor.nn;

/**
 * Adam's moment estimates for one parameter array (Kingma and Ba, 2015), updated by the rule of an
 * {@link AdamConfig} (its betas and epsilon; the bias-corrected step size, {@link AdamConfig#stepSize}, comes
 * with each update, so arrays that step together share one step count). Updates go by ranges, so an embedding
 * table can update only the rows a batch touched: "lazy" Adam, as TensorFlow's LazyAdam, with the global step's
 * bias correction. An untouched row's moments do not decay, and a step's cost follows the batch rather than the
 * size of the table (a dense update would cost a pass over the whole table, a row per tree node or item).
 * Memory: two floats of moments per parameter.
 */
public final class Adam {

    private final AdamConfig config;
    private final float[] m;
    private final float[] v;

    /** Zero moments for an array of {@code size} floats. */
    public Adam(AdamConfig config, int size) {
        this.config = config;
        m = new float[size];
        v = new float[size];
    }

    /**
     * Updates {@code values[off .. off + length)} against gradient {@code grad[gOff ..]} with {@code stepSize};
     * the moments at the same offsets as the values.
     */
    public void update(float[] values, int off, float[] grad, int gOff, int length, float stepSize) {
        config.update(values, m, v, off, grad, gOff, length, stepSize);
    }
}
