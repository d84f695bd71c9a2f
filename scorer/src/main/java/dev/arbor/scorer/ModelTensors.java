package dev.arbor.scorer;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelWeights;
import java.lang.foreign.MemorySegment;

/**
 * A model's tensors as memory segments (little-endian floats), in {@link ModelArchitecture#tensors()}
 * order: slices of a mapped segment file when serving, or heap arrays when training and testing.
 */
public record ModelTensors(ModelArchitecture architecture, MemorySegment[] tensors) {

    public ModelTensors {
        if (tensors.length != architecture.tensors().size()) {
            throw new IllegalArgumentException("expected " + architecture.tensors().size() + " tensors, got " + tensors.length);
        }
        for (int i = 0; i < tensors.length; i++) {
            long expected = (long) architecture.tensors().get(i).size() * Float.BYTES;
            if (tensors[i].byteSize() != expected) {
                throw new IllegalArgumentException("tensor " + architecture.tensors().get(i).name() + " has "
                        + tensors[i].byteSize() + " bytes, expected " + expected);
            }
        }
    }

    /**
     * Trained weights copied off-heap, little-endian as in a segment file. Off-heap like a mapped segment
     * on purpose: the scorer's kernels then see one kind of segment and stay monomorphic.
     */
    public static ModelTensors of(ModelWeights weights) {
        float[][] t = weights.tensors();
        MemorySegment[] segments = new MemorySegment[t.length];
        for (int i = 0; i < t.length; i++) {
            segments[i] = NodeScorer.offHeap(t[i].length).asSlice(0, (long) t[i].length * Float.BYTES);
            MemorySegment.copy(t[i], 0, segments[i], ScalarKernels.FLOAT, 0, t[i].length);
        }
        return new ModelTensors(weights.architecture(), segments);
    }

    public MemorySegment tensor(String name) {
        return tensors[architecture.tensorIndex(name)];
    }
}
