package dev.arbor.format;

import java.util.List;

/** A model's architecture and its tensors as heap arrays, in {@link ModelArchitecture#tensors()} order. */
public record ModelWeights(ModelArchitecture architecture, float[][] tensors) {

    public ModelWeights {
        List<TensorSpec> specs = architecture.tensors();
        if (tensors.length != specs.size()) {
            throw new IllegalArgumentException(architecture.kind() + " has " + specs.size() + " tensors, got "
                    + tensors.length);
        }
        for (int i = 0; i < specs.size(); i++) {
            if (tensors[i] == null || tensors[i].length != specs.get(i).size()) {
                throw new IllegalArgumentException("tensor " + specs.get(i).name() + " must have "
                        + specs.get(i).size() + " floats, got " + (tensors[i] == null ? "null" : tensors[i].length));
            }
        }
    }

    /** Zero-filled tensors of the right sizes, to be filled in by a trainer or generator. */
    public static ModelWeights zeros(ModelArchitecture architecture) {
        List<TensorSpec> specs = architecture.tensors();
        float[][] t = new float[specs.size()][];
        for (int i = 0; i < t.length; i++) {
            t[i] = new float[specs.get(i).size()];
        }
        return new ModelWeights(architecture, t);
    }

    /** Every tensor drawn from N(0, std^2) with {@code seed}: weights for tests and benchmarks. */
    public static ModelWeights gaussian(ModelArchitecture architecture, double std, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        ModelWeights w = zeros(architecture);
        for (float[] t : w.tensors) {
            for (int i = 0; i < t.length; i++) {
                t[i] = (float) (random.nextGaussian() * std);
            }
        }
        return w;
    }

    public float[] tensor(String name) {
        return tensors[architecture.tensorIndex(name)];
    }
}
