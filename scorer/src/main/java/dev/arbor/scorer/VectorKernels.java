package dev.arbor.scorer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. The GEMMs are broadcast micro-kernels: 4 rows of {@code a} times 2 vectors of
 * {@code b}'s columns, 8 independent FMA chains so the FMA pipes stay busy (a single chain would be
 * latency-bound at a quarter of peak). {@link #gemm} and {@link #gemmPreluDot} repeat that tile rather
 * than share it: the accumulators must stay in registers, and a helper returning them would box them.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void gemm(float[] a, int aOff, int lda, int m, int k, float[] b, int bOff, int ldb, float[] c, int cOff,
                     int ldc, int n, boolean accumulate) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            gemmRows4(a, aOff + i * lda, lda, k, b, bOff, ldb, c, cOff + i * ldc, ldc, n, accumulate);
        }
        for (; i < m; i++) {
            gemmRow1(a, aOff + i * lda, k, b, bOff, ldb, c, cOff + i * ldc, n, accumulate);
        }
    }

    private static void gemmRows4(float[] a, int a0, int lda, int k, float[] b, int bOff, int ldb, float[] c, int c0,
                                  int ldc, int n, boolean accumulate) {
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                int bp = bOff + p * ldb + j, ap = a0 + p;
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector x0 = FloatVector.broadcast(S, a[ap]);
                FloatVector x1 = FloatVector.broadcast(S, a[ap + lda]);
                FloatVector x2 = FloatVector.broadcast(S, a[ap + 2 * lda]);
                FloatVector x3 = FloatVector.broadcast(S, a[ap + 3 * lda]);
                c00 = b0.fma(x0, c00);
                c01 = b1.fma(x0, c01);
                c10 = b0.fma(x1, c10);
                c11 = b1.fma(x1, c11);
                c20 = b0.fma(x2, c20);
                c21 = b1.fma(x2, c21);
                c30 = b0.fma(x3, c30);
                c31 = b1.fma(x3, c31);
            }
            store(c00, c, c0 + j, accumulate);
            store(c01, c, c0 + j + L, accumulate);
            store(c10, c, c0 + ldc + j, accumulate);
            store(c11, c, c0 + ldc + j + L, accumulate);
            store(c20, c, c0 + 2 * ldc + j, accumulate);
            store(c21, c, c0 + 2 * ldc + j + L, accumulate);
            store(c30, c, c0 + 3 * ldc + j, accumulate);
            store(c31, c, c0 + 3 * ldc + j + L, accumulate);
        }
        for (; j + L <= n; j += L) {
            FloatVector c00 = FloatVector.zero(S), c10 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c30 = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * ldb + j);
                int ap = a0 + p;
                c00 = b0.fma(FloatVector.broadcast(S, a[ap]), c00);
                c10 = b0.fma(FloatVector.broadcast(S, a[ap + lda]), c10);
                c20 = b0.fma(FloatVector.broadcast(S, a[ap + 2 * lda]), c20);
                c30 = b0.fma(FloatVector.broadcast(S, a[ap + 3 * lda]), c30);
            }
            store(c00, c, c0 + j, accumulate);
            store(c10, c, c0 + ldc + j, accumulate);
            store(c20, c, c0 + 2 * ldc + j, accumulate);
            store(c30, c, c0 + 3 * ldc + j, accumulate);
        }
        // Fewer than L columns left: scalar, because masked vector ops allocate when not intrinsified.
        for (int r = 0; r < 4 && j < n; r++) {
            scalarTail(a, a0 + r * lda, k, b, bOff, ldb, c, c0 + r * ldc, j, n, accumulate);
        }
    }

    private static void gemmRow1(float[] a, int a0, int k, float[] b, int bOff, int ldb, float[] c, int c0, int n,
                                 boolean accumulate) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                acc = FloatVector.fromArray(S, b, bOff + p * ldb + j).fma(FloatVector.broadcast(S, a[a0 + p]), acc);
            }
            store(acc, c, c0 + j, accumulate);
        }
        scalarTail(a, a0, k, b, bOff, ldb, c, c0, j, n, accumulate);
    }

    @Override
    public void gemmPreluDot(float[] a, int aOff, int lda, int m, int k, float[] b, int bOff, int ldb, float[] alpha,
                             float[] w, float[] out, int outOff, int n) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            preluDotRows4(a, aOff + i * lda, lda, k, b, bOff, ldb, alpha, w, i, out, outOff, n);
        }
        for (; i < m; i++) {
            int ai = aOff + i * lda;
            FloatVector positive = FloatVector.broadcast(S, w[i]), negative = FloatVector.broadcast(S, w[i] * alpha[i]);
            int j = 0;
            for (; j + L <= n; j += L) {
                FloatVector h = FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    h = FloatVector.fromArray(S, b, bOff + p * ldb + j).fma(FloatVector.broadcast(S, a[ai + p]), h);
                }
                h.fma(positive.blend(negative, h.lt(0f)), FloatVector.fromArray(S, out, outOff + j)).intoArray(out, outOff + j);
            }
            preluDotTail(a, ai, k, b, bOff, ldb, w[i], w[i] * alpha[i], out, outOff, j, n);
        }
    }

    /**
     * Four rows of {@link #gemmPreluDot}: the 4x2 tile of {@link #gemmRows4}, whose epilogue adds
     * {@code w * prelu(h) = h * (h < 0 ? w alpha : w)} to the output row (a compare, a blend and an FMA
     * per accumulator) instead of storing h.
     */
    private static void preluDotRows4(float[] a, int a0, int lda, int k, float[] b, int bOff, int ldb, float[] alpha,
                                      float[] w, int row, float[] out, int outOff, int n) {
        FloatVector p0 = FloatVector.broadcast(S, w[row]), p1 = FloatVector.broadcast(S, w[row + 1]);
        FloatVector p2 = FloatVector.broadcast(S, w[row + 2]), p3 = FloatVector.broadcast(S, w[row + 3]);
        FloatVector n0 = FloatVector.broadcast(S, w[row] * alpha[row]), n1 = FloatVector.broadcast(S, w[row + 1] * alpha[row + 1]);
        FloatVector n2 = FloatVector.broadcast(S, w[row + 2] * alpha[row + 2]), n3 = FloatVector.broadcast(S, w[row + 3] * alpha[row + 3]);
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                int bp = bOff + p * ldb + j, ap = a0 + p;
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector x0 = FloatVector.broadcast(S, a[ap]);
                FloatVector x1 = FloatVector.broadcast(S, a[ap + lda]);
                FloatVector x2 = FloatVector.broadcast(S, a[ap + 2 * lda]);
                FloatVector x3 = FloatVector.broadcast(S, a[ap + 3 * lda]);
                c00 = b0.fma(x0, c00);
                c01 = b1.fma(x0, c01);
                c10 = b0.fma(x1, c10);
                c11 = b1.fma(x1, c11);
                c20 = b0.fma(x2, c20);
                c21 = b1.fma(x2, c21);
                c30 = b0.fma(x3, c30);
                c31 = b1.fma(x3, c31);
            }
            int o = outOff + j;
            FloatVector o0 = FloatVector.fromArray(S, out, o), o1 = FloatVector.fromArray(S, out, o + L);
            o0 = c00.fma(p0.blend(n0, c00.lt(0f)), o0);
            o1 = c01.fma(p0.blend(n0, c01.lt(0f)), o1);
            o0 = c10.fma(p1.blend(n1, c10.lt(0f)), o0);
            o1 = c11.fma(p1.blend(n1, c11.lt(0f)), o1);
            o0 = c20.fma(p2.blend(n2, c20.lt(0f)), o0);
            o1 = c21.fma(p2.blend(n2, c21.lt(0f)), o1);
            o0 = c30.fma(p3.blend(n3, c30.lt(0f)), o0);
            o1 = c31.fma(p3.blend(n3, c31.lt(0f)), o1);
            o0.intoArray(out, o);
            o1.intoArray(out, o + L);
        }
        // Fewer than two vectors of columns left (never in the scorer, whose blocks are 32 wide): row by row.
        for (int r = row; r < row + 4 && j < n; r++) {
            preluDotTail(a, a0 + (r - row) * lda, k, b, bOff, ldb, w[r], w[r] * alpha[r], out, outOff, j, n);
        }
    }

    private static void preluDotTail(float[] a, int a0, int k, float[] b, int bOff, int ldb, float positive,
                                     float negative, float[] out, int outOff, int from, int n) {
        for (int j = from; j < n; j++) {
            float h = 0;
            for (int p = 0; p < k; p++) {
                h += a[a0 + p] * b[bOff + p * ldb + j];
            }
            out[outOff + j] += h * (h < 0 ? negative : positive);
        }
    }

    /** Columns {@code from .. n} of one output row, in plain Java. */
    private static void scalarTail(float[] a, int a0, int k, float[] b, int bOff, int ldb, float[] c, int c0, int from,
                                   int n, boolean accumulate) {
        for (int j = from; j < n; j++) {
            float acc = 0;
            for (int p = 0; p < k; p++) {
                acc += a[a0 + p] * b[bOff + p * ldb + j];
            }
            c[c0 + j] = accumulate ? c[c0 + j] + acc : acc;
        }
    }

    private static void store(FloatVector v, float[] c, int off, boolean accumulate) {
        (accumulate ? v.add(FloatVector.fromArray(S, c, off)) : v).intoArray(c, off);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int length) {
        int i = 0;
        for (int bound = S.loopBound(length); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < length; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int length) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(length); i < bound; i += L) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public void prelu(float[] x, int off, int length, float alpha) {
        int i = 0;
        for (int bound = S.loopBound(length); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            v.blend(v.mul(alpha), v.lt(0f)).intoArray(x, off + i);
        }
        for (; i < length; i++) {
            if (x[off + i] < 0) {
                x[off + i] *= alpha;
            }
        }
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }
}
