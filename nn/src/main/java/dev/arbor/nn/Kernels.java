package dev.arbor.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dense building blocks every layer is made of: dot products, axpy, matrix-vector products over a
 * column block of a row-major matrix, rank-one gradient updates and PReLU. Matrices are flat row-major
 * arrays with an explicit leading dimension so a layer can address a column block (for example the
 * candidate columns of the first hidden layer) without copying.
 *
 * <p>Dot products use the Vector API because C2 does not vectorise floating-point reductions on its own
 * (it must keep the sequential summation order); axpy-shaped loops go through it as well for the same
 * speed on short rows.
 */
final class Kernels {

    /**
     * 256 bits rather than the preferred width: the rows here are short (embedding dim 24, attention unit
     * 36, histories of up to 69 slots), so 16 lanes leave long scalar tails; on the AVX-512 machine this was
     * written on, training with 512-bit vectors was about 25% slower.
     */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

    private Kernels() {
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float sum = 0f;
        int bound = S.loopBound(n);
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(S);
            for (; i < bound; i += S.length()) {
                acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    /** {@code y += alpha * x} over {@code n} elements. */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        if (bound > 0) {
            FloatVector va = FloatVector.broadcast(S, alpha);
            for (; i < bound; i += S.length()) {
                FloatVector.fromArray(S, x, xo + i).fma(va, FloatVector.fromArray(S, y, yo + i))
                        .intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    /** {@code y[i] += sum_j w[i][col0 + j] * x[j]} for {@code rows} rows and {@code cols} columns. */
    static void gemv(float[] w, int ld, int col0, int rows, int cols, float[] x, int xo, float[] y, int yo) {
        for (int i = 0, r = col0; i < rows; i++, r += ld) {
            y[yo + i] += dot(w, r, x, xo, cols);
        }
    }

    /** {@code x[j] += sum_i w[i][col0 + j] * dy[i]}: the transposed product, i.e. a layer's input gradient. */
    static void gemvTransposed(float[] w, int ld, int col0, int rows, int cols, float[] dy, int dyo, float[] x,
                               int xo) {
        for (int i = 0, r = col0; i < rows; i++, r += ld) {
            axpy(dy[dyo + i], w, r, x, xo, cols);
        }
    }

    /** {@code dw[i][col0 + j] += dy[i] * x[j]}: a layer's weight gradient for one input. */
    static void outer(float[] dw, int ld, int col0, int rows, int cols, float[] dy, int dyo, float[] x, int xo) {
        for (int i = 0, r = col0; i < rows; i++, r += ld) {
            axpy(dy[dyo + i], x, xo, dw, r, cols);
        }
    }

    /**
     * {@code out[i] = PReLU(in[i])} with slope {@code alpha[ao + i * as]}: stride 1 for a vector of units,
     * stride 0 for a row of values of one unit.
     */
    static void prelu(float[] in, int io, float[] alpha, int ao, int as, float[] out, int oo, int n) {
        for (int i = 0, a = ao; i < n; i++, a += as) {
            float x = in[io + i];
            out[oo + i] = x > 0f ? x : alpha[a] * x;
        }
    }

    /**
     * Back through {@link #prelu}: turns the output gradient {@code g} into the input gradient in place and
     * adds the slope gradients into {@code dAlpha} (indexed like {@code alpha}). {@code pre} is the PReLU input.
     */
    static void preluBackward(float[] pre, int po, float[] alpha, int ao, int as, float[] g, int go, float[] dAlpha,
                              int n) {
        for (int i = 0, a = ao; i < n; i++, a += as) {
            float x = pre[po + i];
            if (x <= 0f) {
                dAlpha[a] += g[go + i] * x;
                g[go + i] *= alpha[a];
            }
        }
    }
}
