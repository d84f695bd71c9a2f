package dev.arbor.format;

/** A Deep Retrieval model's architecture and its tensors as heap arrays, in {@link LatticeArchitecture#tensors()} order. */
public record LatticeWeights(LatticeArchitecture architecture, float[][] tensors) {

    public LatticeWeights {
        TensorSpec.requireSizes(architecture.tensors(), tensors, architecture);
    }

    /** Zero-filled tensors of the right sizes, to be filled in by a trainer or generator. */
    public static LatticeWeights zeros(LatticeArchitecture architecture) {
        return new LatticeWeights(architecture, TensorSpec.zeros(architecture.tensors()));
    }

    /** Every tensor drawn from N(0, std^2) with {@code seed}: weights for tests and benchmarks. */
    public static LatticeWeights gaussian(LatticeArchitecture architecture, double std, long seed) {
        return new LatticeWeights(architecture, TensorSpec.gaussian(architecture.tensors(), std, seed));
    }

    public float[] tensor(String name) {
        return tensors[architecture.tensorIndex(name)];
    }
}
