package dev.arbor.scorer;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.arbor.scorer.ScalarKernels.FLOAT;

/**
 * Vector API kernels. The GEMM is a broadcast micro-kernel: 4 rows of {@code a} times 2 vectors of
 * {@code b}'s columns, 8 independent FMA chains so the FMA pipes stay busy (a single chain would be
 * latency-bound at a quarter of peak).
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void gemm(MemorySegment a, long aOffset, int lda, int m, int k, float[] b, int bOff, int ldb, float[] c,
                     int cOff, int ldc, int n, boolean accumulate) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            gemmRows4(a, aOffset + (long) i * lda * Float.BYTES, lda, k, b, bOff, ldb, c, cOff + i * ldc, ldc, n,
                    accumulate);
        }
        for (; i < m; i++) {
            gemmRow1(a, aOffset + (long) i * lda * Float.BYTES, k, b, bOff, ldb, c, cOff + i * ldc, n, accumulate);
        }
    }

    private static void gemmRows4(MemorySegment a, long a0, int lda, int k, float[] b, int bOff, int ldb, float[] c, int c0, int ldc,
                                  int n, boolean accumulate) {
        long rowBytes = (long) lda * Float.BYTES;
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                int bp = bOff + p * ldb + j;
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                long ap = a0 + (long) p * Float.BYTES;
                FloatVector x0 = FloatVector.broadcast(S, a.get(FLOAT, ap));
                FloatVector x1 = FloatVector.broadcast(S, a.get(FLOAT, ap + rowBytes));
                FloatVector x2 = FloatVector.broadcast(S, a.get(FLOAT, ap + 2 * rowBytes));
                FloatVector x3 = FloatVector.broadcast(S, a.get(FLOAT, ap + 3 * rowBytes));
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
                long ap = a0 + (long) p * Float.BYTES;
                c00 = b0.fma(FloatVector.broadcast(S, a.get(FLOAT, ap)), c00);
                c10 = b0.fma(FloatVector.broadcast(S, a.get(FLOAT, ap + rowBytes)), c10);
                c20 = b0.fma(FloatVector.broadcast(S, a.get(FLOAT, ap + 2 * rowBytes)), c20);
                c30 = b0.fma(FloatVector.broadcast(S, a.get(FLOAT, ap + 3 * rowBytes)), c30);
            }
            store(c00, c, c0 + j, accumulate);
            store(c10, c, c0 + ldc + j, accumulate);
            store(c20, c, c0 + 2 * ldc + j, accumulate);
            store(c30, c, c0 + 3 * ldc + j, accumulate);
        }
        // Fewer than L columns left: scalar, because masked vector ops allocate when not intrinsified.
        for (int r = 0; r < 4 && j < n; r++) {
            scalarTail(a, a0 + r * rowBytes, k, b, bOff, ldb, c, c0 + r * ldc, j, n, accumulate);
        }
    }

    private static void gemmRow1(MemorySegment a, long a0, int k, float[] b, int bOff, int ldb, float[] c, int c0, int n,
                                 boolean accumulate) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                acc = FloatVector.fromArray(S, b, bOff + p * ldb + j)
                        .fma(FloatVector.broadcast(S, a.get(FLOAT, a0 + (long) p * Float.BYTES)), acc);
            }
            store(acc, c, c0 + j, accumulate);
        }
        scalarTail(a, a0, k, b, bOff, ldb, c, c0, j, n, accumulate);
    }

    /** Columns {@code from .. n} of one output row, in plain Java. */
    private static void scalarTail(MemorySegment a, long a0, int k, float[] b, int bOff, int ldb, float[] c, int c0,
                                   int from, int n, boolean accumulate) {
        for (int j = from; j < n; j++) {
            float acc = 0;
            for (int p = 0; p < k; p++) {
                acc += a.get(FLOAT, a0 + (long) p * Float.BYTES) * b[bOff + p * ldb + j];
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
