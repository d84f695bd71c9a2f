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
        for (int len = 0; len < 100; len++) {
            float[] x = fill(new float[len + 3]), y1 = fill(new float[len + 5]), y2 = y1.clone();
            vector.axpy(0.7f, x, 3, y1, 5, len);
            scalar.axpy(0.7f, x, 3, y2, 5, len);
            assertArrayClose(y2, y1);
            assertEquals(scalar.dot(x, 3, y2, 5, len), vector.dot(x, 3, y2, 5, len), 1e-4f * (1 + len));
            float[] p1 = fill(new float[len + 1]), p2 = p1.clone();
            vector.prelu(p1, 1, len, 0.25f);
            scalar.prelu(p2, 1, len, 0.25f);
            assertArrayClose(p2, p1);
        }
    }

    private float[] fill(float[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    private static void assertArrayClose(float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * (1 + Math.abs(expected[i])), "at " + i);
        }
    }
}
