package dev.arbor.scorer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. The GEMMs are broadcast micro-kernels: 4 rows of {@code a} times 2 vectors of
 * {@code b}'s columns, 8 independent FMA chains so the FMA pipes stay busy (a single chain would be
 * latency-bound at a quarter of peak); a lone last vector of columns gets a 4x1 or 8x1 tile instead.
 * {@link #gemm} (and {@link #gemmTransposedA}), {@link #gemmPreluDot} and {@link #gemmPreluDotBackward} repeat
 * that tile rather than share it: the accumulators must stay in registers, and a helper returning them would box
 * them (measured: the fused backward kernel ran boxed until its epilogue was written out).
 *
 * <p>The row operations (dot, axpy, multiplyAdd and the matrix-vector products made of them) run on {@link #ROW}
 * vectors, one species for every caller, named in the method itself. An earlier version ran them at the preferred
 * width for {@code best()} and at 256 bits for a second, "short rows" instance, passing the species to a shared
 * helper: once a program used both instances (a two-tower baseline, then TDM training), the helper was compiled with
 * a species that was no longer a constant, and every row operation ran on boxed vectors, allocating 384-640 bytes
 * per 24-float axpy and running several times slower.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Half the preferred width, for the last columns of a GEMM row: training's layers have widths such as 24,
     * which 16-lane vectors would leave a third of to scalar code.
     */
    private static final VectorSpecies<Float> HALF = L >= 16 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_128;
    private static final int HL = HALF.length();
    /**
     * The row operations' species: at most 256 bits, because Arbor's rows are short (embedding dim 24, attention
     * unit 36, histories of up to 69 slots, MLP layers of 24 to 128), and 16 lanes would leave long scalar tails; on
     * the AVX-512 machine the training code was written on, training with 512-bit row operations was about 25%
     * slower. The GEMMs, whose rows are a level's candidates, stay at the preferred width.
     */
    private static final VectorSpecies<Float> ROW = L >= 8 ? FloatVector.SPECIES_256 : S;

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

    /**
     * Element (i, p) of the left operand is {@code a[aOff + i * rs + p * ps]}: the same tiles for both layouts.
     * Columns go in pairs of vectors on 4x2 tiles; a lone last full vector on 8x1 tiles, so that it too has eight
     * independent FMA chains (a 4x1 tile would be latency-bound at half speed, which made rows of 48 columns cost
     * as much as rows of 64); what is left, row by row on half vectors and then in scalar code. Every element is
     * one chain of FMAs in {@code p} order, whichever tile computes it.
     */
    private static void gemm(float[] a, int aOff, int rs, int ps, int m, int k, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, int n, boolean accumulate) {
        int pairsEnd = n - n % (2 * L);
        int vectorEnd = n - pairsEnd >= L ? pairsEnd + L : pairsEnd;
        int i = 0;
        if (pairsEnd > 0) {
            for (; i + 4 <= m; i += 4) {
                gemmRows4(a, aOff + i * rs, rs, ps, k, b, bOff, ldb, c, cOff + i * ldc, ldc, pairsEnd, accumulate);
            }
            for (; i < m; i++) {
                gemmRow1(a, aOff + i * rs, ps, k, b, bOff, ldb, c, cOff + i * ldc, 0, pairsEnd, accumulate);
            }
        }
        if (vectorEnd > pairsEnd) {
            for (i = 0; i + 8 <= m; i += 8) {
                gemmRows8(a, aOff + i * rs, rs, ps, k, b, bOff + pairsEnd, ldb, c, cOff + i * ldc + pairsEnd, ldc,
                        accumulate);
            }
            for (; i < m; i++) {
                gemmRow1(a, aOff + i * rs, ps, k, b, bOff, ldb, c, cOff + i * ldc, pairsEnd, vectorEnd, accumulate);
            }
        }
        if (vectorEnd < n) {
            for (i = 0; i < m; i++) {
                gemmRow1(a, aOff + i * rs, ps, k, b, bOff, ldb, c, cOff + i * ldc, vectorEnd, n, accumulate);
            }
        }
    }

    /** Four rows, columns {@code [0, n)} with {@code n} a multiple of {@code 2L}. */
    private static void gemmRows4(float[] a, int a0, int rs, int ps, int k, float[] b, int bOff, int ldb, float[] c,
                                  int c0, int ldc, int n, boolean accumulate) {
        for (int j = 0; j < n; j += 2 * L) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                int bp = bOff + p * ldb + j, ap = a0 + p * ps;
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector x0 = FloatVector.broadcast(S, a[ap]);
                FloatVector x1 = FloatVector.broadcast(S, a[ap + rs]);
                FloatVector x2 = FloatVector.broadcast(S, a[ap + 2 * rs]);
                FloatVector x3 = FloatVector.broadcast(S, a[ap + 3 * rs]);
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
    }

    /** Eight rows of one vector of columns, at {@code bOff} and {@code c0}. */
    private static void gemmRows8(float[] a, int a0, int rs, int ps, int k, float[] b, int bOff, int ldb, float[] c,
                                  int c0, int ldc, boolean accumulate) {
        FloatVector c0v = FloatVector.zero(S), c1v = FloatVector.zero(S), c2v = FloatVector.zero(S);
        FloatVector c3v = FloatVector.zero(S), c4v = FloatVector.zero(S), c5v = FloatVector.zero(S);
        FloatVector c6v = FloatVector.zero(S), c7v = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, bOff + p * ldb);
            int ap = a0 + p * ps;
            c0v = bv.fma(FloatVector.broadcast(S, a[ap]), c0v);
            c1v = bv.fma(FloatVector.broadcast(S, a[ap + rs]), c1v);
            c2v = bv.fma(FloatVector.broadcast(S, a[ap + 2 * rs]), c2v);
            c3v = bv.fma(FloatVector.broadcast(S, a[ap + 3 * rs]), c3v);
            c4v = bv.fma(FloatVector.broadcast(S, a[ap + 4 * rs]), c4v);
            c5v = bv.fma(FloatVector.broadcast(S, a[ap + 5 * rs]), c5v);
            c6v = bv.fma(FloatVector.broadcast(S, a[ap + 6 * rs]), c6v);
            c7v = bv.fma(FloatVector.broadcast(S, a[ap + 7 * rs]), c7v);
        }
        store(c0v, c, c0, accumulate);
        store(c1v, c, c0 + ldc, accumulate);
        store(c2v, c, c0 + 2 * ldc, accumulate);
        store(c3v, c, c0 + 3 * ldc, accumulate);
        store(c4v, c, c0 + 4 * ldc, accumulate);
        store(c5v, c, c0 + 5 * ldc, accumulate);
        store(c6v, c, c0 + 6 * ldc, accumulate);
        store(c7v, c, c0 + 7 * ldc, accumulate);
    }

    /** One row, columns {@code [from, to)}: full vectors, then half vectors, then scalar code. */
    private static void gemmRow1(float[] a, int a0, int ps, int k, float[] b, int bOff, int ldb, float[] c, int c0,
                                 int from, int to, boolean accumulate) {
        int j = from;
        for (; j + L <= to; j += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                acc = FloatVector.fromArray(S, b, bOff + p * ldb + j).fma(FloatVector.broadcast(S, a[a0 + p * ps]), acc);
            }
            store(acc, c, c0 + j, accumulate);
        }
        for (; j + HL <= to; j += HL) {
            FloatVector acc = FloatVector.zero(HALF);
            for (int p = 0; p < k; p++) {
                acc = FloatVector.fromArray(HALF, b, bOff + p * ldb + j).fma(FloatVector.broadcast(HALF, a[a0 + p * ps]), acc);
            }
            storeHalf(acc, c, c0 + j, accumulate);
        }
        scalarTail(a, a0, ps, k, b, bOff, ldb, c, c0, j, to, accumulate);
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
        // One vector of columns left (training's chunks come in blocks of 16): a 4x1 tile, same epilogue.
        for (; j + L <= n; j += L) {
            FloatVector c0v = FloatVector.zero(S), c1v = FloatVector.zero(S);
            FloatVector c2v = FloatVector.zero(S), c3v = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                FloatVector bv = FloatVector.fromArray(S, b, bOff + p * ldb + j);
                int ap = a0 + p;
                c0v = bv.fma(FloatVector.broadcast(S, a[ap]), c0v);
                c1v = bv.fma(FloatVector.broadcast(S, a[ap + lda]), c1v);
                c2v = bv.fma(FloatVector.broadcast(S, a[ap + 2 * lda]), c2v);
                c3v = bv.fma(FloatVector.broadcast(S, a[ap + 3 * lda]), c3v);
            }
            int o = outOff + j;
            FloatVector o0 = FloatVector.fromArray(S, out, o);
            o0 = c0v.fma(p0.blend(n0, c0v.lt(0f)), o0);
            o0 = c1v.fma(p1.blend(n1, c1v.lt(0f)), o0);
            o0 = c2v.fma(p2.blend(n2, c2v.lt(0f)), o0);
            o0 = c3v.fma(p3.blend(n3, c3v.lt(0f)), o0);
            o0.intoArray(out, o);
        }
        // Less than a vector of columns left (never in the scorer or in training): row by row.
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
    private static void scalarTail(float[] a, int a0, int ps, int k, float[] b, int bOff, int ldb, float[] c, int c0,
                                   int from, int n, boolean accumulate) {
        for (int j = from; j < n; j++) {
            float acc = 0;
            for (int p = 0; p < k; p++) {
                acc += a[a0 + p * ps] * b[bOff + p * ldb + j];
            }
            c[c0 + j] = accumulate ? c[c0 + j] + acc : acc;
        }
    }

    private static void store(FloatVector v, float[] c, int off, boolean accumulate) {
        (accumulate ? v.add(FloatVector.fromArray(S, c, off)) : v).intoArray(c, off);
    }

    private static void storeHalf(FloatVector v, float[] c, int off, boolean accumulate) {
        (accumulate ? v.add(FloatVector.fromArray(HALF, c, off)) : v).intoArray(c, off);
    }

    @Override
    public void gemmPreluDotBackward(float[] a, int aOff, int lda, int m, int k, float[] b, int bOff, int ldb,
                                     float[] alpha, float[] w, float[] dy, int dyOff, float[] out, int outOff,
                                     float[] dh, int dhOff, int lddh, float[] dW, float[] dAlpha, int n) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            preluDotBackwardRows4(a, aOff + i * lda, lda, k, b, bOff, ldb, alpha, w, i, dy, dyOff, out, outOff, dh,
                    dhOff + i * lddh, lddh, dW, dAlpha, n);
        }
        for (; i < m; i++) {
            ScalarKernels.preluDotBackwardRow(a, aOff + i * lda, k, b, bOff, ldb, alpha, w, i, dy, dyOff, out, outOff,
                    dh, dhOff + i * lddh, dW, dAlpha, 0, n, 0f, 0f);
        }
    }

    /**
     * Four rows of {@link #gemmPreluDotBackward}: the 4x2 tile of {@link #gemmRows4} (a lone last vector on a
     * 4x1 one), whose epilogue does the backward step per accumulator and keeps each row's two gradient sums in
     * vectors across the column tiles. Written out in full: helpers returning vectors were not inlined here and
     * ran boxed.
     */
    private static void preluDotBackwardRows4(float[] a, int a0, int lda, int k, float[] b, int bOff, int ldb,
                                              float[] alpha, float[] w, int row, float[] dy, int dyOff, float[] out,
                                              int outOff, float[] dh, int dh0, int lddh, float[] dW, float[] dAlpha,
                                              int n) {
        final FloatVector ONE = FloatVector.broadcast(S, 1f), ZERO = FloatVector.zero(S);
        FloatVector a0v = FloatVector.broadcast(S, alpha[row]), a1v = FloatVector.broadcast(S, alpha[row + 1]);
        FloatVector a2v = FloatVector.broadcast(S, alpha[row + 2]), a3v = FloatVector.broadcast(S, alpha[row + 3]);
        FloatVector w0 = FloatVector.broadcast(S, w[row]), w1 = FloatVector.broadcast(S, w[row + 1]);
        FloatVector w2 = FloatVector.broadcast(S, w[row + 2]), w3 = FloatVector.broadcast(S, w[row + 3]);
        FloatVector dw0 = ZERO, dw1 = ZERO, dw2 = ZERO, dw3 = ZERO, da0 = ZERO, da1 = ZERO, da2 = ZERO, da3 = ZERO;
        VectorMask<Float> m;
        FloatVector slope, y;
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector c00 = ZERO, c01 = ZERO, c10 = ZERO, c11 = ZERO, c20 = ZERO, c21 = ZERO, c30 = ZERO, c31 = ZERO;
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
            FloatVector g0 = FloatVector.fromArray(S, dy, dyOff + j), g1 = FloatVector.fromArray(S, dy, dyOff + j + L);
            FloatVector o0 = FloatVector.fromArray(S, out, outOff + j);
            FloatVector o1 = FloatVector.fromArray(S, out, outOff + j + L);
            int d0 = dh0 + j;
            m = c00.compare(VectorOperators.LE, 0f);
            slope = ONE.blend(a0v, m);
            y = c00.mul(slope);
            o0 = y.fma(w0, o0);
            dw0 = y.fma(g0, dw0);
            da0 = da0.add(ZERO.blend(c00.mul(g0), m));
            g0.mul(w0).mul(slope).intoArray(dh, d0);
            m = c01.compare(VectorOperators.LE, 0f);
            slope = ONE.blend(a0v, m);
            y = c01.mul(slope);
            o1 = y.fma(w0, o1);
            dw0 = y.fma(g1, dw0);
            da0 = da0.add(ZERO.blend(c01.mul(g1), m));
            g1.mul(w0).mul(slope).intoArray(dh, d0 + L);
            m = c10.compare(VectorOperators.LE, 0f);
            slope = ONE.blend(a1v, m);
            y = c10.mul(slope);
            o0 = y.fma(w1, o0);
            dw1 = y.fma(g0, dw1);
            da1 = da1.add(ZERO.blend(c10.mul(g0), m));
            g0.mul(w1).mul(slope).intoArray(dh, d0 + lddh);
            m = c11.compare(VectorOperators.LE, 0f);
            slope = ONE.blend(a1v, m);
            y = c11.mul(slope);
            o1 = y.fma(w1, o1);
            dw1 = y.fma(g1, dw1);
            da1 = da1.add(ZERO.blend(c11.mul(g1), m));
            g1.mul(w1).mul(slope).intoArray(dh, d0 + lddh + L);
            m = c20.compare(VectorOperators.LE, 0f);
            slope = ONE.blend(a2v, m);
            y = c20.mul(slope);
            o0 = y.fma(w2, o0);
            dw2 = y.fma(g0, dw2);
            da2 = da2.add(ZERO.blend(c20.mul(g0), m));
            g0.mul(w2).mul(slope).intoArray(dh, d0 + 2 * lddh);
            m = c21.compare(VectorOperators.LE, 0f);
            slope = ONE.blend(a2v, m);
            y = c21.mul(slope);
            o1 = y.fma(w2, o1);
            dw2 = y.fma(g1, dw2);
            da2 = da2.add(ZERO.blend(c21.mul(g1), m));
            g1.mul(w2).mul(slope).intoArray(dh, d0 + 2 * lddh + L);
            m = c30.compare(VectorOperators.LE, 0f);
            slope = ONE.blend(a3v, m);
            y = c30.mul(slope);
            o0 = y.fma(w3, o0);
            dw3 = y.fma(g0, dw3);
            da3 = da3.add(ZERO.blend(c30.mul(g0), m));
            g0.mul(w3).mul(slope).intoArray(dh, d0 + 3 * lddh);
            m = c31.compare(VectorOperators.LE, 0f);
            slope = ONE.blend(a3v, m);
            y = c31.mul(slope);
            o1 = y.fma(w3, o1);
            dw3 = y.fma(g1, dw3);
            da3 = da3.add(ZERO.blend(c31.mul(g1), m));
            g1.mul(w3).mul(slope).intoArray(dh, d0 + 3 * lddh + L);
            o0.intoArray(out, outOff + j);
            o1.intoArray(out, outOff + j + L);
        }
        for (; j + L <= n; j += L) {
            FloatVector c0v = ZERO, c1v = ZERO, c2v = ZERO, c3v = ZERO;
            for (int p = 0; p < k; p++) {
                FloatVector bv = FloatVector.fromArray(S, b, bOff + p * ldb + j);
                int ap = a0 + p;
                c0v = bv.fma(FloatVector.broadcast(S, a[ap]), c0v);
                c1v = bv.fma(FloatVector.broadcast(S, a[ap + lda]), c1v);
                c2v = bv.fma(FloatVector.broadcast(S, a[ap + 2 * lda]), c2v);
                c3v = bv.fma(FloatVector.broadcast(S, a[ap + 3 * lda]), c3v);
            }
            FloatVector g0 = FloatVector.fromArray(S, dy, dyOff + j);
            FloatVector o0 = FloatVector.fromArray(S, out, outOff + j);
            int d0 = dh0 + j;
            m = c0v.compare(VectorOperators.LE, 0f);
            slope = ONE.blend(a0v, m);
            y = c0v.mul(slope);
            o0 = y.fma(w0, o0);
            dw0 = y.fma(g0, dw0);
            da0 = da0.add(ZERO.blend(c0v.mul(g0), m));
            g0.mul(w0).mul(slope).intoArray(dh, d0);
            m = c1v.compare(VectorOperators.LE, 0f);
            slope = ONE.blend(a1v, m);
            y = c1v.mul(slope);
            o0 = y.fma(w1, o0);
            dw1 = y.fma(g0, dw1);
            da1 = da1.add(ZERO.blend(c1v.mul(g0), m));
            g0.mul(w1).mul(slope).intoArray(dh, d0 + lddh);
            m = c2v.compare(VectorOperators.LE, 0f);
            slope = ONE.blend(a2v, m);
            y = c2v.mul(slope);
            o0 = y.fma(w2, o0);
            dw2 = y.fma(g0, dw2);
            da2 = da2.add(ZERO.blend(c2v.mul(g0), m));
            g0.mul(w2).mul(slope).intoArray(dh, d0 + 2 * lddh);
            m = c3v.compare(VectorOperators.LE, 0f);
            slope = ONE.blend(a3v, m);
            y = c3v.mul(slope);
            o0 = y.fma(w3, o0);
            dw3 = y.fma(g0, dw3);
            da3 = da3.add(ZERO.blend(c3v.mul(g0), m));
            g0.mul(w3).mul(slope).intoArray(dh, d0 + 3 * lddh);
            o0.intoArray(out, outOff + j);
        }
        ScalarKernels.preluDotBackwardRow(a, a0, k, b, bOff, ldb, alpha, w, row, dy, dyOff, out, outOff, dh, dh0, dW,
                dAlpha, j, n, sumLanes(dw0), sumLanes(da0));
        ScalarKernels.preluDotBackwardRow(a, a0 + lda, k, b, bOff, ldb, alpha, w, row + 1, dy, dyOff, out, outOff, dh,
                dh0 + lddh, dW, dAlpha, j, n, sumLanes(dw1), sumLanes(da1));
        ScalarKernels.preluDotBackwardRow(a, a0 + 2 * lda, k, b, bOff, ldb, alpha, w, row + 2, dy, dyOff, out, outOff,
                dh, dh0 + 2 * lddh, dW, dAlpha, j, n, sumLanes(dw2), sumLanes(da2));
        ScalarKernels.preluDotBackwardRow(a, a0 + 3 * lda, k, b, bOff, ldb, alpha, w, row + 3, dy, dyOff, out, outOff,
                dh, dh0 + 3 * lddh, dW, dAlpha, j, n, sumLanes(dw3), sumLanes(da3));
    }

    @Override
    public void multiplyAdd(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] out, int oOff,
                            int length) {
        int i = 0;
        for (int bound = ROW.loopBound(length); i < bound; i += ROW.length()) {
            FloatVector.fromArray(ROW, a, aOff + i).fma(FloatVector.fromArray(ROW, b, bOff + i),
                    FloatVector.fromArray(ROW, c, cOff + i)).intoArray(out, oOff + i);
        }
        for (; i < length; i++) {
            out[oOff + i] = a[aOff + i] * b[bOff + i] + c[cOff + i];
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int length) {
        int i = 0;
        int bound = ROW.loopBound(length);
        if (bound > 0) {
            FloatVector va = FloatVector.broadcast(ROW, alpha);
            for (; i < bound; i += ROW.length()) {
                FloatVector.fromArray(ROW, x, xOff + i).fma(va, FloatVector.fromArray(ROW, y, yOff + i))
                        .intoArray(y, yOff + i);
            }
        }
        for (; i < length; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int length) {
        int i = 0;
        float sum = 0f;
        int bound = ROW.loopBound(length);
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(ROW);
            for (; i < bound; i += ROW.length()) {
                acc = FloatVector.fromArray(ROW, a, aOff + i).fma(FloatVector.fromArray(ROW, b, bOff + i), acc);
            }
            sum = sumLanes(acc);
        }
        for (; i < length; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /**
     * The sum of {@code v}'s lanes in one fixed order: halves added lane by lane down to four lanes, then those
     * four as {@code (a0 + a1) + (a2 + a3)}. {@code reduceLanes(ADD)} leaves the order open, and the interpreter
     * and C2 add in different orders, so a training run's rounding depended on when the JIT had compiled this
     * method: the same seed gave other weights from run to run, more so on a busy machine. The lanes are read
     * with constant indices, which C2 compiles to extracts; reinterpreting halves as narrower vectors was not
     * compiled to vector code here and made training three times slower.
     */
    static float sumLanes(FloatVector v) {
        return switch (v.length()) {
            case 4 -> (v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3));
            case 8 -> ((v.lane(0) + v.lane(4)) + (v.lane(1) + v.lane(5)))
                    + ((v.lane(2) + v.lane(6)) + (v.lane(3) + v.lane(7)));
            case 16 -> (((v.lane(0) + v.lane(8)) + (v.lane(4) + v.lane(12)))
                    + ((v.lane(1) + v.lane(9)) + (v.lane(5) + v.lane(13))))
                    + (((v.lane(2) + v.lane(10)) + (v.lane(6) + v.lane(14)))
                    + ((v.lane(3) + v.lane(11)) + (v.lane(7) + v.lane(15))));
            default -> throw new IllegalStateException("no lane order for " + v.length() + " float lanes");
        };
    }

    @Override
    public float orderedDot(float[] a, int aOff, float[] b, int bOff, int length) {
        return ScalarKernels.ordered(a, aOff, b, bOff, length);
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
        int i = 0;
        if (as == 1) {
            // A slope per element (a layer of units): whole vectors of units, slopes loaded alongside.
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(S, in, io + i);
                FloatVector a = FloatVector.fromArray(S, alpha, ao + i);
                x.mul(FloatVector.broadcast(S, 1f).blend(a, x.compare(VectorOperators.LE, 0f))).intoArray(out, oo + i);
            }
        }
        ScalarKernels.preluStrided(in, io + i, alpha, ao + i * as, as, out, oo + i, n - i);
    }

    @Override
    public void preluBackward(float[] pre, int po, float[] alpha, int ao, int as, float[] g, int go, float[] dAlpha,
                              int n) {
        int i = 0;
        if (as == 1) {
            // Each unit has its own slope, so the slope gradients add elementwise: no reduction order to keep.
            FloatVector zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f);
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(S, pre, po + i);
                FloatVector grad = FloatVector.fromArray(S, g, go + i);
                VectorMask<Float> negative = x.compare(VectorOperators.LE, 0f);
                FloatVector.fromArray(S, dAlpha, ao + i).add(zero.blend(grad.mul(x), negative)).intoArray(dAlpha, ao + i);
                grad.mul(one.blend(FloatVector.fromArray(S, alpha, ao + i), negative)).intoArray(g, go + i);
            }
        }
        ScalarKernels.preluBackwardStrided(pre, po + i, alpha, ao + i * as, as, g, go + i, dAlpha, n - i);
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
        return "vector-" + S.vectorBitSize() + (ROW != S ? ", rows " + ROW.vectorBitSize() : "");
    }
}
