package dev.arbor.format;

/** A model's architecture and its tensors as heap arrays, in {@link ModelArchitecture#tensors()} order. */
public record ModelWeights(ModelArchitecture architecture, float[][] tensors) {

    public ModelWeights {
        TensorSpec.requireSizes(architecture.tensors(), tensors, architecture.kind());
    }

    /** Zero-filled tensors of the right sizes, to be filled in by a trainer or generator. */
    public static ModelWeights zeros(ModelArchitecture architecture) {
        return new ModelWeights(architecture, TensorSpec.zeros(architecture.tensors()));
    }

    /** Every tensor drawn from N(0, std^2) with {@code seed}: weights for tests and benchmarks. */
    public static ModelWeights gaussian(ModelArchitecture architecture, double std, long seed) {
        return new ModelWeights(architecture, TensorSpec.gaussian(architecture.tensors(), std, seed));
    }

    public float[] tensor(String name) {
        return tensors[architecture.tensorIndex(name)];
    }
}
