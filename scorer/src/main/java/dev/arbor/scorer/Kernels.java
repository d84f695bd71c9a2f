package dev.arbor.scorer;

import java.lang.foreign.MemorySegment;

/**
 * The dense kernels the scorer is built from. Matrices are row-major floats. The left GEMM operand is a
 * {@link MemorySegment} (little-endian floats) so weights are read straight from the mapped segment;
 * the right operand and the output are heap scratch whose columns are the candidates of a level.
 *
 * <p>Two implementations: {@link ScalarKernels} (plain Java, always available) and a Vector API one,
 * chosen by {@link #best()} when {@code jdk.incubator.vector} is present.
 */
public interface Kernels {

    /**
     * {@code c[i][j] (+)= sum_p a[i][p] * b[p][j]} for {@code i < m, j < n, p < k}. {@code a} starts at
     * byte {@code aOffset} with row stride {@code lda} floats (so a column block of a wider matrix works);
     * {@code b} starts at {@code bOff} with row stride {@code ldb}; {@code c} at {@code cOff} with row
     * stride {@code ldc}. Without {@code accumulate}, {@code c} is overwritten.
     */
    void gemm(MemorySegment a, long aOffset, int lda, int m, int k, float[] b, int bOff, int ldb, float[] c, int cOff,
              int ldc, int n, boolean accumulate);

    /** {@code y[yOff + i] += alpha * x[xOff + i]} for {@code i < length}. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int length);

    /** Dot product of {@code length} floats. */
    float dot(float[] a, int aOff, float[] b, int bOff, int length);

    /** In place: {@code x = x > 0 ? x : alpha * x}. */
    void prelu(float[] x, int off, int length, float alpha);

    String name();

    /** The Vector API kernels when {@code jdk.incubator.vector} is loaded, else the scalar ones. */
    static Kernels best() {
        return KernelsHolder.BEST;
    }
}
