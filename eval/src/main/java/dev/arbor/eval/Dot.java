package dev.arbor.eval;

/**
 * A dot product whose rounding never changes. The Vector API's lane reduction may add lanes in any order, and does so
 * differently once the JIT compiles it, which would make training results depend on timing. Plain Java float
 * arithmetic is strictly ordered; four independent accumulators keep the loop from waiting on a single add chain.
 */
final class Dot {

    private Dot() {
    }

    /** {@code Σ a[aOff + i] * b[bOff + i]} for {@code i < length}, always rounded the same way. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int length) {
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
}
