package dev.arbor.nn;

/** Adam hyper-parameters (Kingma and Ba 2015); {@code epsilon} is added to {@code sqrt(v)}. */
public record AdamConfig(float learningRate, float beta1, float beta2, float epsilon) {

    public AdamConfig {
        if (!(learningRate > 0f) || !(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f) || !(epsilon > 0f)) {
            throw new IllegalArgumentException("invalid Adam settings " + learningRate + ", " + beta1 + ", " + beta2
                    + ", " + epsilon);
        }
    }

    /** The paper's defaults with the given learning rate: betas 0.9 and 0.999, epsilon 1e-8. */
    public static AdamConfig of(float learningRate) {
        return new AdamConfig(learningRate, 0.9f, 0.999f, 1e-8f);
    }

    public AdamConfig withLearningRate(float lr) {
        return new AdamConfig(lr, beta1, beta2, epsilon);
    }

    /** The bias-corrected step size of step {@code t} (1-based). */
    public float stepSize(long t) {
        // StrictMath.pow: Math.pow's last bit may differ between the interpreter and compiled code.
        return (float) (learningRate * Math.sqrt(1 - StrictMath.pow(beta2, t)) / (1 - StrictMath.pow(beta1, t)));
    }

    /**
     * One Adam step on {@code w[off .. off + n)} with its moments {@code m} and {@code v} at the same offsets,
     * against {@code grad[gOff ..]}, with a step size from {@link #stepSize}. The one copy of the update rule,
     * shared by the TDM trainer and the two-tower baseline.
     */
    public void update(float[] w, float[] m, float[] v, int off, float[] grad, int gOff, int n, float stepSize) {
        for (int i = 0; i < n; i++) {
            float gi = grad[gOff + i];
            int j = off + i;
            m[j] = beta1 * m[j] + (1 - beta1) * gi;
            v[j] = beta2 * v[j] + (1 - beta2) * gi * gi;
            w[j] -= stepSize * m[j] / ((float) Math.sqrt(v[j]) + epsilon);
        }
    }
}
