package dev.arbor.scorer;

import dev.arbor.format.FramedFile;
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

    /** Trained weights copied off-heap, little-endian as in a segment file. */
    public static ModelTensors of(ModelWeights weights) {
        float[][] t = weights.tensors();
        MemorySegment[] segments = new MemorySegment[t.length];
        for (int i = 0; i < t.length; i++) {
            segments[i] = java.lang.foreign.Arena.ofAuto().allocate((long) t[i].length * Float.BYTES, 64);
            MemorySegment.copy(t[i], 0, segments[i], FramedFile.FLOAT, 0, t[i].length);
        }
        return new ModelTensors(weights.architecture(), segments);
    }

    public MemorySegment tensor(String name) {
        return tensors[architecture.tensorIndex(name)];
    }

    /** A copy of a tensor on the heap, where the kernels read it. */
    public float[] array(String name) {
        MemorySegment t = tensor(name);
        float[] a = new float[Math.toIntExact(t.byteSize() / Float.BYTES)];
        MemorySegment.copy(t, FramedFile.FLOAT, 0, a, 0, a.length);
        return a;
    }
}
