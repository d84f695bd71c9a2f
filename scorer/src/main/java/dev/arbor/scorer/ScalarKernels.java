package dev.arbor.scorer;

import java.util.Arrays;

/** Plain-Java kernels: the fallback without the Vector API, and the reference in duel tests. */
public final class ScalarKernels implements Kernels {
    @Override
    public void gemm(float[] a, int aOff, int lda, int m, int k, float[] b, int bOff, int ldb, float[] c, int cOff,
                     int ldc, int n, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) {
                Arrays.fill(c, ci, ci + n, 0f);
            }
            int ai = aOff + i * lda;
            for (int p = 0; p < k; p++) {
                float av = a[ai + p];
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
