package dev.arbor.format;

/** One weight tensor of a model: a row-major {@code rows x cols} float matrix (a vector has one row). */
public record TensorSpec(String name, int rows, int cols) {
    public int size() {
        return rows * cols;
    }
}
