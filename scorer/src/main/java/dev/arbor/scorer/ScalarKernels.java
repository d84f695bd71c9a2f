package dev.arbor.scorer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Plain-Java kernels: the fallback without the Vector API, and the reference in duel tests. */
public final class ScalarKernels implements Kernels {
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public void gemm(MemorySegment a, long aOffset, int lda, int m, int k, float[] b, int bOff, int ldb, float[] c,
                     int cOff, int ldc, int n, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) {
                Arrays.fill(c, ci, ci + n, 0f);
            }
            long ai = aOffset + (long) i * lda * Float.BYTES;
            for (int p = 0; p < k; p++) {
                float av = a.get(FLOAT, ai + (long) p * Float.BYTES);
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * b[bp + j];
                }
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
