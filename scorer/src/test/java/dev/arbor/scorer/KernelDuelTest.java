package dev.arbor.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
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
        MemorySegment seg = MemorySegment.ofArray(a);
        long aOffset = (long) aRowOffset * lda * Float.BYTES + 4;
        vector.gemm(seg, aOffset, lda, m, k - 1, b, bOff, ldb, c1, cOff, ldc, n, accumulate);
        scalar.gemm(seg, aOffset, lda, m, k - 1, b, bOff, ldb, c2, cOff, ldc, n, accumulate);
        for (int i = 0; i < c1.length; i++) {
            assertEquals(c2[i], c1[i], 1e-4f * (1 + Math.abs(c2[i])), "m=" + m + " k=" + k + " n=" + n + " at " + i);
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
