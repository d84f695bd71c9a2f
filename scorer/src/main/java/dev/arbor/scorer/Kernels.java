package dev.arbor.scorer;

/**
 * The dense kernels the scorer is built from. Matrices are row-major {@code float[]}s; in the scorer the
 * right operand and the output are scratch whose columns are the candidates of a level. Every operand is
 * a heap array on purpose: reading the left operand from a {@code MemorySegment} (even an off-heap one)
 * ran the GEMMs at 66-90 GFLOPS against 83-110 from an array (likely the array bounds checks the JIT
 * hoists out of the loop).
 *
 * <p>Two implementations: {@link ScalarKernels} (plain Java, always available) and a Vector API one,
 * chosen by {@link #best()} when {@code jdk.incubator.vector} is present.
 */
public interface Kernels {

    /**
     * {@code c[i][j] (+)= sum_p a[i][p] * b[p][j]} for {@code i < m, j < n, p < k}. {@code a} starts at
     * {@code aOff} with row stride {@code lda} (so a column block of a wider matrix works);
     * {@code b} starts at {@code bOff} with row stride {@code ldb}; {@code c} at {@code cOff} with row
     * stride {@code ldc}. Without {@code accumulate}, {@code c} is overwritten.
     */
    void gemm(float[] a, int aOff, int lda, int m, int k, float[] b, int bOff, int ldb, float[] c, int cOff,
              int ldc, int n, boolean accumulate);

    /**
     * {@code out[outOff + j] += sum_i w[i] * prelu(sum_p a[i][p] * b[p][j], alpha[i])} for {@code i < m, j < n}:
     * a GEMM whose rows go through PReLU and are reduced by the weight row {@code w}, straight from the
     * accumulators. It is the attention unit's hidden layer and output in one pass: the {@code m x n}
     * hidden matrix is never written to memory. {@code alpha} and {@code w} hold {@code m} floats each.
     */
    void gemmPreluDot(float[] a, int aOff, int lda, int m, int k, float[] b, int bOff, int ldb, float[] alpha,
                      float[] w, float[] out, int outOff, int n);

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
