package dev.arbor.scorer;

import java.util.Arrays;

/** Plain-Java kernels: the fallback without the Vector API, and the reference in duel tests. */
public final class ScalarKernels implements Kernels {
    @Override
    public void gemm(float[] a, int aOff, int lda, int m, int k, float[] b, int bOff, int ldb, float[] c, int cOff,
                     int ldc, int n, boolean accumulate) {
        gemm(a, aOff, lda, 1, m, k, b, bOff, ldb, c, cOff, ldc, n, accumulate);
    }

    @Override
    public void gemmTransposedA(float[] a, int aOff, int lda, int m, int k, float[] b, int bOff, int ldb, float[] c,
                                int cOff, int ldc, int n, boolean accumulate) {
        gemm(a, aOff, 1, lda, m, k, b, bOff, ldb, c, cOff, ldc, n, accumulate);
    }

    /** Element (i, p) of the left operand is {@code a[aOff + i * rs + p * ps]}. */
    private static void gemm(float[] a, int aOff, int rs, int ps, int m, int k, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, int n, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) {
                Arrays.fill(c, ci, ci + n, 0f);
            }
            int ai = aOff + i * rs;
            for (int p = 0; p < k; p++) {
                float av = a[ai + p * ps];
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
        }
    }

    @Override
    public void gemmPreluDot(float[] a, int aOff, int lda, int m, int k, float[] b, int bOff, int ldb, float[] alpha,
                             float[] w, float[] out, int outOff, int n) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            float positive = w[i], negative = w[i] * alpha[i];
            // Four columns at a time so the inner loop walks rows of b instead of striding down a column.
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                float h0 = 0, h1 = 0, h2 = 0, h3 = 0;
                for (int p = 0; p < k; p++) {
                    float av = a[ai + p];
                    int bp = bOff + p * ldb + j;
                    h0 += av * b[bp];
                    h1 += av * b[bp + 1];
                    h2 += av * b[bp + 2];
                    h3 += av * b[bp + 3];
                }
                out[outOff + j] += h0 * (h0 < 0 ? negative : positive);
                out[outOff + j + 1] += h1 * (h1 < 0 ? negative : positive);
                out[outOff + j + 2] += h2 * (h2 < 0 ? negative : positive);
                out[outOff + j + 3] += h3 * (h3 < 0 ? negative : positive);
            }
            for (; j < n; j++) {
                float h = 0;
                for (int p = 0; p < k; p++) {
                    h += a[ai + p] * b[bOff + p * ldb + j];
                }
                out[outOff + j] += h * (h < 0 ? negative : positive);
            }
        }
    }

    @Override
    public void gemmPreluDotBackward(float[] a, int aOff, int lda, int m, int k, float[] b, int bOff, int ldb,
                                     float[] alpha, float[] w, float[] dy, int dyOff, float[] out, int outOff,
                                     float[] dh, int dhOff, int lddh, float[] dW, float[] dAlpha, int n) {
        for (int i = 0; i < m; i++) {
            preluDotBackwardRow(a, aOff + i * lda, k, b, bOff, ldb, alpha, w, i, dy, dyOff, out, outOff, dh,
                    dhOff + i * lddh, dW, dAlpha, 0, n, 0f, 0f);
        }
    }

    /**
     * Row {@code i} of {@link #gemmPreluDotBackward} from column {@code from} on, then its two gradient sums:
     * {@code dw} and {@code negative} (the slope's, before the factor {@code w}) so far. Shared with the Vector API
     * kernels, for their last columns and rows.
     */
    static void preluDotBackwardRow(float[] a, int ai, int k, float[] b, int bOff, int ldb, float[] alpha, float[] w,
                                  int i, float[] dy, int dyOff, float[] out, int outOff, float[] dh, int dhRow,
                                  float[] dW, float[] dAlpha, int from, int n, float dw, float negative) {
        for (int j = from; j < n; j++) {
            float h = 0;
            for (int p = 0; p < k; p++) {
                h += a[ai + p] * b[bOff + p * ldb + j];
            }
            float g = dy[dyOff + j], slope = h > 0f ? 1f : alpha[i], y = h * slope;
            out[outOff + j] += w[i] * y;
            dw += y * g;
            negative += h <= 0f ? h * g : 0f;
            dh[dhRow + j] = w[i] * g * slope;
        }
        dW[i] += dw;
        dAlpha[i] += w[i] * negative;
    }

    @Override
    public void multiplyAdd(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] out, int oOff,
                            int length) {
        for (int i = 0; i < length; i++) {
            out[oOff + i] = a[aOff + i] * b[bOff + i] + c[cOff + i];
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int length) {
        for (int i = 0; i < length; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int length) {
        float s = 0;
        for (int i = 0; i < length; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public float orderedDot(float[] a, int aOff, float[] b, int bOff, int length) {
        return ordered(a, aOff, b, bOff, length);
    }

    /** {@link Kernels#orderedDot}, shared with the Vector API kernels so both round alike. */
    static float ordered(float[] a, int aOff, float[] b, int bOff, int length) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 4 <= length; i += 4) {
            s0 += a[aOff + i] * b[bOff + i];
            s1 += a[aOff + i + 1] * b[bOff + i + 1];
            s2 += a[aOff + i + 2] * b[bOff + i + 2];
            s3 += a[aOff + i + 3] * b[bOff + i + 3];
        }
        for (; i < length; i++) {
            s0 += a[aOff + i] * b[bOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void gemv(float[] w, int ld, int col0, int rows, int cols, float[] x, int xo, float[] y, int yo) {
        for (int i = 0, r = col0; i < rows; i++, r += ld) {
            y[yo + i] += dot(w, r, x, xo, cols);
        }
    }

    @Override
    public void gemvTransposed(float[] w, int ld, int col0, int rows, int cols, float[] dy, int dyo, float[] x,
                               int xo) {
        for (int i = 0, r = col0; i < rows; i++, r += ld) {
            axpy(dy[dyo + i], w, r, x, xo, cols);
        }
    }

    @Override
    public void outer(float[] dw, int ld, int col0, int rows, int cols, float[] dy, int dyo, float[] x, int xo) {
        for (int i = 0, r = col0; i < rows; i++, r += ld) {
            axpy(dy[dyo + i], x, xo, dw, r, cols);
        }
    }

    @Override
    public void prelu(float[] in, int io, float[] alpha, int ao, int as, float[] out, int oo, int n) {
        preluStrided(in, io, alpha, ao, as, out, oo, n);
    }

    /**
     * PReLU with a slope per element, shared with the Vector API kernels for a slope that stands still along the
     * row and for the tail of a row whose slopes stride by one.
     */
    static void preluStrided(float[] in, int io, float[] alpha, int ao, int as, float[] out, int oo, int n) {
        for (int i = 0, a = ao; i < n; i++, a += as) {
            float x = in[io + i];
            out[oo + i] = x > 0f ? x : alpha[a] * x;
        }
    }

    @Override
    public void preluBackward(float[] pre, int po, float[] alpha, int ao, int as, float[] g, int go, float[] dAlpha,
                              int n) {
        preluBackwardStrided(pre, po, alpha, ao, as, g, go, dAlpha, n);
    }

    /** The backward pass of {@link #preluStrided}, shared likewise; the slope gradients add up in element order. */
    static void preluBackwardStrided(float[] pre, int po, float[] alpha, int ao, int as, float[] g, int go,
                                     float[] dAlpha, int n) {
        for (int i = 0, a = ao; i < n; i++, a += as) {
            float x = pre[po + i];
            if (x <= 0f) {
                dAlpha[a] += g[go + i] * x;
                g[go + i] *= alpha[a];
            }
        }
    }

    @Override
    public void prelu(float[] x, int off, int length, float alpha) {
        for (int i = off; i < off + length; i++) {
            if (x[i] < 0) {
                x[i] *= alpha;
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
