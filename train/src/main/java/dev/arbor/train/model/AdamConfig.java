package dev.arbor.train.model;

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
}
