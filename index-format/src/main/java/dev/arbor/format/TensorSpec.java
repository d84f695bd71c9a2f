package dev.arbor.format;

import java.util.List;
import java.util.SplittableRandom;

/** One weight tensor of a model: a row-major {@code rows x cols} float matrix (a vector has one row). */
public record TensorSpec(String name, int rows, int cols) {
    public int size() {
        return rows * cols;
    }

    /** Index of the tensor named {@code name} in {@code specs}; {@code owner} names the model in the error. */
    public static int indexOf(List<TensorSpec> specs, String name, Object owner) {
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("model " + owner + " has no tensor " + name);
    }

    /**
     * Checks that {@code tensors} holds one array per spec, of its size.
     *
     * @throws IllegalArgumentException naming the first tensor that is missing or of the wrong size
     */
    public static void requireSizes(List<TensorSpec> specs, float[][] tensors, Object owner) {
        if (tensors.length != specs.size()) {
            throw new IllegalArgumentException(owner + " has " + specs.size() + " tensors, got " + tensors.length);
        }
        for (int i = 0; i < specs.size(); i++) {
            if (tensors[i] == null || tensors[i].length != specs.get(i).size()) {
                throw new IllegalArgumentException("tensor " + specs.get(i).name() + " must have "
                        + specs.get(i).size() + " floats, got " + (tensors[i] == null ? "null" : tensors[i].length));
            }
        }
    }

    /** Zero-filled arrays of the specs' sizes. */
    public static float[][] zeros(List<TensorSpec> specs) {
        float[][] t = new float[specs.size()][];
        for (int i = 0; i < t.length; i++) {
            t[i] = new float[specs.get(i).size()];
        }
        return t;
    }

    /** Arrays of the specs' sizes drawn from N(0, std^2) with {@code seed}, tensor after tensor. */
    public static float[][] gaussian(List<TensorSpec> specs, double std, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] t = zeros(specs);
        for (float[] tensor : t) {
            for (int i = 0; i < tensor.length; i++) {
                tensor[i] = (float) (random.nextGaussian() * std);
            }
        }
        return t;
    }
}
