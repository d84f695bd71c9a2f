package dev.arbor.scorer;

/**
 * The dense kernels the scorer is built from. Matrices are row-major {@code float[]}s; in the scorer the
 * right operand and the output are scratch whose columns are the candidates of a level. Every operand is
 * a heap array on purpose: reading the left operand from a {@code MemorySegment} (even an off-heap one)
 * ran the GEMMs at 66-90 GFLOPS against 83-110 from an array (likely the array bounds checks the JIT
 * hoists out of the loop).
 *
 * <p>Besides the scorer's GEMMs, the row operations that training is built from: dot, axpy, matrix-vector
 * products over a column block of a row-major matrix (an explicit leading dimension lets a layer address,
 * say, the candidate columns of the first hidden layer without copying), rank-one gradient updates and PReLU
 * with its backward pass.
 *
 * <p>Two implementations: {@link ScalarKernels} (plain Java, always available) and a Vector API one,
 * chosen by {@link #best()} when {@code jdk.incubator.vector} is present. Dot products
 * use the Vector API because C2 does not vectorise floating-point reductions on its own (it must keep the
 * sequential summation order); the lane reduction in turn may add the lanes in a different order before
 * and after the JIT compiles it, so where results must not depend on timing, {@link #orderedDot} is the
 * order-stable mode.
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
     * As {@link #gemm} with the left operand transposed: {@code c[i][j] (+)= sum_p a[p][i] * b[p][j]}, where
     * {@code a} is stored {@code k x m} (row {@code p} at {@code aOff + p * lda}). Training's weight gradients,
     * {@code dW += dZ^T X}, sum over the batch's rows this way without transposing either operand.
     */
    void gemmTransposedA(float[] a, int aOff, int lda, int m, int k, float[] b, int bOff, int ldb, float[] c,
                         int cOff, int ldc, int n, boolean accumulate);

    /**
     * {@code out[outOff + j] += sum_i w[i] * prelu(sum_p a[i][p] * b[p][j], alpha[i])} for {@code i < m, j < n}:
     * a GEMM whose rows go through PReLU and are reduced by the weight row {@code w}, straight from the
     * accumulators. It is the attention unit's hidden layer and output in one pass: the {@code m x n}
     * hidden matrix is never written to memory. {@code alpha} and {@code w} hold {@code m} floats each.
     */
    void gemmPreluDot(float[] a, int aOff, int lda, int m, int k, float[] b, int bOff, int ldb, float[] alpha,
                      float[] w, float[] out, int outOff, int n);

    /**
     * {@link #gemmPreluDot} backwards, for training, which recomputes {@code h = a b} rather than keep it. With
     * {@code dy} the gradient of the output row, for {@code i < m, j < n}: adds {@code w[i] prelu(h_ij)} to
     * {@code out[outOff + j]} (the forward output, again); writes the gradient of {@code h_ij},
     * {@code w[i] dy_j (h_ij > 0 ? 1 : alpha[i])}, to {@code dh[dhOff + i * lddh + j]}; and adds
     * {@code sum_j prelu(h_ij) dy_j} to {@code dW[i]} and {@code sum_{j: h_ij <= 0} h_ij w[i] dy_j} to
     * {@code dAlpha[i]}. {@code h} itself is never stored.
     */
    void gemmPreluDotBackward(float[] a, int aOff, int lda, int m, int k, float[] b, int bOff, int ldb, float[] alpha,
                              float[] w, float[] dy, int dyOff, float[] out, int outOff, float[] dh, int dhOff,
                              int lddh, float[] dW, float[] dAlpha, int n);

    /** {@code y[yOff + i] += alpha * x[xOff + i]} for {@code i < length}. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int length);

    /**
     * {@code out[oOff + i] = a[aOff + i] * b[bOff + i] + c[cOff + i]} for {@code i < length} ({@code out} may be
     * {@code c}): the elementwise products of the attention unit's bilinear term and of its gradients.
     */
    void multiplyAdd(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] out, int oOff, int length);

    /** Dot product of {@code length} floats. */
    float dot(float[] a, int aOff, float[] b, int bOff, int length);

    /**
     * Dot product of {@code length} floats that always rounds the same way, whatever the implementation and
     * whether or not the JIT has compiled it: plain Java float arithmetic, which is strictly ordered, in four
     * independent accumulators so the loop does not wait on a single add chain. For training that must be
     * deterministic for a seed; {@link #dot} may differ in the last bits from one call to the next.
     */
    float orderedDot(float[] a, int aOff, float[] b, int bOff, int length);

    /** In place: {@code x = x > 0 ? x : alpha * x}. */
    void prelu(float[] x, int off, int length, float alpha);

    /**
     * {@code y[yo + i] += sum_j w[i][col0 + j] * x[xo + j]} for {@code i < rows, j < cols}; row {@code i} of
     * {@code w} starts at {@code col0 + i * ld}.
     */
    void gemv(float[] w, int ld, int col0, int rows, int cols, float[] x, int xo, float[] y, int yo);

    /**
     * {@code x[xo + j] += sum_i w[i][col0 + j] * dy[dyo + i]}: the transposed product, i.e. a layer's input
     * gradient.
     */
    void gemvTransposed(float[] w, int ld, int col0, int rows, int cols, float[] dy, int dyo, float[] x, int xo);

    /** {@code dw[i][col0 + j] += dy[dyo + i] * x[xo + j]}: a layer's weight gradient for one input. */
    void outer(float[] dw, int ld, int col0, int rows, int cols, float[] dy, int dyo, float[] x, int xo);

    /**
     * {@code out[oo + i] = PReLU(in[io + i])} with slope {@code alpha[ao + i * as]} for {@code i < n}: stride 1
     * for a vector of units, stride 0 for a row of values of one unit.
     */
    void prelu(float[] in, int io, float[] alpha, int ao, int as, float[] out, int oo, int n);

    /**
     * Back through {@link #prelu(float[], int, float[], int, int, float[], int, int)}: turns the output
     * gradient {@code g} into the input gradient in place and adds the slope gradients into {@code dAlpha}
     * (indexed like {@code alpha}, in element order). {@code pre} is the PReLU input.
     */
    void preluBackward(float[] pre, int po, float[] alpha, int ao, int as, float[] g, int go, float[] dAlpha, int n);

    String name();

    /** The Vector API kernels when {@code jdk.incubator.vector} is loaded, else the scalar ones. */
    static Kernels best() {
        return KernelsHolder.BEST;
    }
}
