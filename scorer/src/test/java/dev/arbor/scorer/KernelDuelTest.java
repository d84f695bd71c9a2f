package dev.arbor.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Vector API kernels against the scalar ones, on odd sizes that exercise every tail path. */
class KernelDuelTest {
    private final Kernels vector = new VectorKernels();
    private final Kernels scalar = new ScalarKernels();
    private final Random random = new Random(42);

    @Test
    void vectorKernelsAreInUse() {
        assertTrue(Kernels.best().name().startsWith("vector"), "tests run with jdk.incubator.vector: " + Kernels.best().name());
    }

    @Test
    void gemmMatchesScalarOnOddShapes() {
        int[] sizes = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65, 97, 130};
        for (int m : new int[] {1, 2, 3, 4, 5, 7, 9, 36}) {
            for (int k : new int[] {1, 3, 24, 25, 37}) {
                for (int n : sizes) {
                    for (boolean accumulate : new boolean[] {false, true}) {
                        duelGemm(m, k, n, accumulate);
                    }
                }
            }
        }
    }

    private void duelGemm(int m, int k, int n, boolean accumulate) {
        int lda = k + 3, ldb = n + 5, ldc = n + 2, aRowOffset = 2, bOff = 7, cOff = 3;
        float[] a = fill(new float[(m + aRowOffset) * lda]);
        float[] b = fill(new float[bOff + k * ldb]);
        float[] c1 = fill(new float[cOff + m * ldc]);
        float[] c2 = c1.clone();
        int aOff = aRowOffset * lda + 1;
        vector.gemm(a, aOff, lda, m, k - 1, b, bOff, ldb, c1, cOff, ldc, n, accumulate);
        scalar.gemm(a, aOff, lda, m, k - 1, b, bOff, ldb, c2, cOff, ldc, n, accumulate);
        for (int i = 0; i < c1.length; i++) {
            assertEquals(c2[i], c1[i], 1e-4f * (1 + Math.abs(c2[i])), "m=" + m + " k=" + k + " n=" + n + " at " + i);
        }
    }

    @Test
    void transposedGemmMatchesScalarAndTheExplicitTranspose() {
        for (int m : new int[] {1, 3, 4, 5, 24, 37}) {
            for (int k : new int[] {1, 2, 53, 130}) {
                for (int n : new int[] {1, 15, 16, 24, 33, 64, 97}) {
                    for (boolean accumulate : new boolean[] {false, true}) {
                        duelTransposedGemm(m, k, n, accumulate);
                    }
                }
            }
        }
    }

    private void duelTransposedGemm(int m, int k, int n, boolean accumulate) {
        int lda = m + 3, ldb = n + 1, ldc = n + 2, aOff = 5, bOff = 2, cOff = 1;
        float[] a = fill(new float[aOff + k * lda]);
        float[] b = fill(new float[bOff + k * ldb]);
        float[] at = new float[m * k];
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < m; i++) {
                at[i * k + p] = a[aOff + p * lda + i];
            }
        }
        float[] c1 = fill(new float[cOff + m * ldc]);
        float[] c2 = c1.clone();
        float[] c3 = c1.clone();
        vector.gemmTransposedA(a, aOff, lda, m, k, b, bOff, ldb, c1, cOff, ldc, n, accumulate);
        scalar.gemmTransposedA(a, aOff, lda, m, k, b, bOff, ldb, c2, cOff, ldc, n, accumulate);
        scalar.gemm(at, 0, k, m, k, b, bOff, ldb, c3, cOff, ldc, n, accumulate);
        for (int i = 0; i < c1.length; i++) {
            String where = "m=" + m + " k=" + k + " n=" + n + " at " + i;
            assertEquals(c3[i], c2[i], 0f, where);
            assertEquals(c2[i], c1[i], 1e-4f * (1 + Math.abs(c2[i])) * Math.max(1, k / 16), where);
        }
    }

    @Test
    void multiplyAddMatchesScalar() {
        for (Kernels kernels : new Kernels[] {vector}) {
            for (int n : new int[] {1, 7, 8, 16, 24, 33}) {
                float[] a = fill(new float[n + 1]);
                float[] b = fill(new float[n + 2]);
                float[] c = fill(new float[n + 3]);
                float[] out1 = new float[n + 4];
                float[] out2 = new float[n + 4];
                kernels.multiplyAdd(a, 1, b, 2, c, 3, out1, 4, n);
                scalar.multiplyAdd(a, 1, b, 2, c, 3, out2, 4, n);
                assertArrayClose(out2, out1);
            }
        }
    }

    @Test
    void gemmPreluDotBackwardMatchesScalarOnOddShapes() {
        for (int m : new int[] {1, 4, 5, 36}) {
            for (int k : new int[] {1, 25}) {
                for (int n : new int[] {1, 15, 16, 17, 32, 48, 64, 70}) {
                    duelPreluDotBackward(m, k, n);
                }
            }
        }
    }

    private void duelPreluDotBackward(int m, int k, int n) {
        int lda = k + 2, ldb = n + 3, lddh = n + 1;
        float[] a = fill(new float[1 + m * lda]);
        float[] b = fill(new float[2 + k * ldb]);
        float[] alpha = fill(new float[m]);
        float[] w = fill(new float[m]);
        float[] dy = fill(new float[n + 4]);
        float[] out1 = fill(new float[n + 5]);
        float[] out2 = out1.clone();
        float[] dh1 = new float[3 + m * lddh];
        float[] dh2 = new float[3 + m * lddh];
        float[] dW1 = fill(new float[m]);
        float[] dW2 = dW1.clone();
        float[] dA1 = fill(new float[m]);
        float[] dA2 = dA1.clone();
        vector.gemmPreluDotBackward(a, 1, lda, m, k, b, 2, ldb, alpha, w, dy, 4, out1, 5, dh1, 3, lddh, dW1, dA1, n);
        scalar.gemmPreluDotBackward(a, 1, lda, m, k, b, 2, ldb, alpha, w, dy, 4, out2, 5, dh2, 3, lddh, dW2, dA2, n);
        String where = "m=" + m + " k=" + k + " n=" + n;
        assertArrayClose(out2, out1, 1e-3f, where);
        assertArrayClose(dh2, dh1, 1e-3f, where);
        assertArrayClose(dW2, dW1, 1e-3f, where);
        assertArrayClose(dA2, dA1, 1e-3f, where);
    }

    @Test
    void gemmPreluDotMatchesScalarOnOddShapes() {
        for (int m : new int[] {1, 3, 4, 5, 8, 36, 37}) {
            for (int k : new int[] {1, 2, 25, 26}) {
                for (int n : new int[] {1, 15, 16, 17, 31, 32, 33, 47, 64, 97, 128}) {
                    duelGemmPreluDot(m, k, n);
                }
            }
        }
    }

    private void duelGemmPreluDot(int m, int k, int n) {
        int lda = k + 2, ldb = n + 3, bOff = 5, outOff = 4;
        float[] a = fill(new float[1 + m * lda]), alpha = fill(new float[m]), w = fill(new float[m]);
        float[] b = fill(new float[bOff + k * ldb]);
        float[] out1 = fill(new float[outOff + n + 3]), out2 = out1.clone();
        vector.gemmPreluDot(a, 1, lda, m, k, b, bOff, ldb, alpha, w, out1, outOff, n);
        scalar.gemmPreluDot(a, 1, lda, m, k, b, bOff, ldb, alpha, w, out2, outOff, n);
        for (int i = 0; i < out1.length; i++) {
            assertEquals(out2[i], out1[i], 1e-4f * (1 + Math.abs(out2[i])), "m=" + m + " k=" + k + " n=" + n + " at " + i);
        }
    }

    @Test
    void vectorOpsMatchScalarOnOddLengths() {
        for (Kernels simd : new Kernels[] {vector}) {
            for (int len = 0; len < 100; len++) {
                float[] x = fill(new float[len + 3]), y1 = fill(new float[len + 5]), y2 = y1.clone();
                simd.axpy(0.7f, x, 3, y1, 5, len);
                scalar.axpy(0.7f, x, 3, y2, 5, len);
                assertArrayClose(y2, y1);
                assertEquals(scalar.dot(x, 3, y2, 5, len), simd.dot(x, 3, y2, 5, len), 1e-4f * (1 + len));
                float[] p1 = fill(new float[len + 1]), p2 = p1.clone();
                simd.prelu(p1, 1, len, 0.25f);
                scalar.prelu(p2, 1, len, 0.25f);
                assertArrayClose(p2, p1);
            }
        }
    }

    @Test
    void orderedDotRoundsAlikeEverywhere() {
        for (int len = 0; len < 100; len++) {
            float[] a = fill(new float[len + 3]), b = fill(new float[len + 5]);
            float expected = scalar.orderedDot(a, 3, b, 5, len);
            double exact = 0;
            for (int i = 0; i < len; i++) {
                exact += (double) a[3 + i] * b[5 + i];
            }
            assertEquals(exact, expected, 1e-4f * (1 + len), "length " + len);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(vector.orderedDot(a, 3, b, 5, len)),
                    "length " + len);
        }
    }

    /**
     * The vector dot product adds in one documented order ({@link VectorKernels#sumLanes}) in every JIT tier: the
     * loop runs long enough for C2 to compile the kernel part-way, and each result must equal, bit for bit, the
     * same order written out in scalar Java.
     */
    @Test
    void vectorDotRoundsInOneOrderInEveryTier() {
        for (int round = 0; round < 300; round++) {
            for (int len : new int[] {7, 8, 16, 24, 36, 69, 100}) {
                float[] a = fill(new float[len + 3]), b = fill(new float[len + 5]);
                // The row operations' vectors: 256 bits, or narrower where the preferred width is.
                int lanes = Math.min(8, jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length());
                float expected = documentedOrderDot(a, 3, b, 5, len, lanes);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(vector.dot(a, 3, b, 5, len)),
                        vector.name() + ", length " + len + ", round " + round);
            }
        }
    }

    /** Lane accumulators by fused multiply-add, halves added down to four lanes, then {@code (l0+l1)+(l2+l3)}, then the tail. */
    private static float documentedOrderDot(float[] a, int aOff, float[] b, int bOff, int len, int lanes) {
        int bound = len - len % lanes;
        float sum = 0f;
        if (bound > 0) {
            float[] acc = new float[lanes];
            for (int i = 0; i < bound; i++) {
                acc[i % lanes] = Math.fma(a[aOff + i], b[bOff + i], acc[i % lanes]);
            }
            for (int width = lanes / 2; width >= 4; width /= 2) {
                for (int l = 0; l < width; l++) {
                    acc[l] += acc[l + width];
                }
            }
            sum = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        }
        for (int i = bound; i < len; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /** The training kernels on column blocks of a wider matrix, at row lengths around the vector widths. */
    @Test
    void matrixVectorKernelsMatchScalar() {
        for (Kernels simd : new Kernels[] {vector}) {
            for (int rows : new int[] {1, 3, 6, 36}) {
                for (int cols : new int[] {1, 4, 7, 8, 9, 15, 16, 17, 24, 33, 69}) {
                    int ld = cols + 5, col0 = 2;
                    float[] w = fill(new float[col0 + rows * ld]);
                    float[] x = fill(new float[cols + 3]), dy = fill(new float[rows + 1]);

                    float[] y1 = fill(new float[rows + 4]), y2 = y1.clone();
                    simd.gemv(w, ld, col0, rows, cols, x, 3, y1, 4);
                    scalar.gemv(w, ld, col0, rows, cols, x, 3, y2, 4);
                    assertArrayClose(y2, y1, 1e-5f * (1 + cols));

                    float[] dx1 = fill(new float[cols + 3]), dx2 = dx1.clone();
                    simd.gemvTransposed(w, ld, col0, rows, cols, dy, 1, dx1, 3);
                    scalar.gemvTransposed(w, ld, col0, rows, cols, dy, 1, dx2, 3);
                    assertArrayClose(dx2, dx1, 1e-5f * (1 + rows));

                    float[] dw1 = w.clone(), dw2 = w.clone();
                    simd.outer(dw1, ld, col0, rows, cols, dy, 1, x, 3);
                    scalar.outer(dw2, ld, col0, rows, cols, dy, 1, x, 3);
                    assertArrayClose(dw2, dw1);
                }
            }
        }
    }

    /** PReLU with a slope per unit (stride 1) and one slope for a row (stride 0), forward and backward. */
    @Test
    void stridedPreluMatchesScalar() {
        for (Kernels simd : new Kernels[] {vector}) {
            for (int stride : new int[] {0, 1}) {
                for (int n = 0; n < 40; n++) {
                    float[] in = fill(new float[n + 2]), alpha = fill(new float[n + 3]);
                    float[] out1 = fill(new float[n + 1]), out2 = out1.clone();
                    simd.prelu(in, 2, alpha, 3, stride, out1, 1, n);
                    scalar.prelu(in, 2, alpha, 3, stride, out2, 1, n);
                    assertArrayClose(out2, out1);
                    for (int i = 0; i < n; i++) {
                        float x = in[2 + i];
                        assertEquals(x > 0 ? x : alpha[3 + i * stride] * x, out1[1 + i], 1e-6f, "n=" + n + " at " + i);
                    }

                    float[] g1 = fill(new float[n + 4]), g2 = g1.clone();
                    float[] dAlpha1 = fill(new float[n + 3]), dAlpha2 = dAlpha1.clone();
                    simd.preluBackward(in, 2, alpha, 3, stride, g1, 4, dAlpha1, n);
                    scalar.preluBackward(in, 2, alpha, 3, stride, g2, 4, dAlpha2, n);
                    assertArrayClose(g2, g1);
                    assertArrayClose(dAlpha2, dAlpha1);
                }
            }
        }
    }

    private float[] fill(float[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    private static void assertArrayClose(float[] expected, float[] actual) {
        assertArrayClose(expected, actual, 1e-5f);
    }

    private static void assertArrayClose(float[] expected, float[] actual, float tolerance) {
        assertArrayClose(expected, actual, tolerance, "");
    }

    private static void assertArrayClose(float[] expected, float[] actual, float tolerance, String where) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance * (1 + Math.abs(expected[i])), where + " at " + i);
        }
    }
}
