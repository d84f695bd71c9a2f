package dev.arbor.eval;

import dev.arbor.scorer.Kernels;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A fully connected layer {@code y = Wᵀx + b} that works on blocks of samples with the GEMM kernel. Its parameters
 * are one row-major array of {@code in + 1} rows of {@code out} values: row {@code p < in} holds the weights from
 * input {@code p}, row {@code in} the bias. A gradient array of the same layout lets threads own disjoint rows.
 *
 * <p>Inputs and outputs are row-major blocks, one row per sample. Every output element of the GEMM kernel is one fused multiply-add chain in a fixed order, whichever rows a call covers, so results do not depend on
 * how the samples or rows are split between threads.
 */
final class Dense {

    private static final Kernels K = Kernels.best();

    final int in;
    final int out;
    /** Weights then bias, {@code (in + 1) × out} row-major. */
    final float[] params;
    /** The weights transposed, {@code out × in}, as of the last {@link #transpose()}. */
    private final float[] transposed;

    /** A layer with Glorot-uniform weights and zero bias. */
    Dense(int in, int out, SplittableRandom random) {
        this.in = in;
        this.out = out;
        this.params = new float[(in + 1) * out];
        this.transposed = new float[in * out];
        double limit = Math.sqrt(6.0 / (in + out));
        for (int i = 0; i < in * out; i++) {
            params[i] = (float) ((2 * random.nextDouble() - 1) * limit);
        }
        transpose();
    }

    /** The number of parameter rows: {@code in} weight rows and the bias row. */
    int rows() {
        return in + 1;
    }

    /** Copies the weights into the transposed copy that {@link #backward} reads; call it after the weights change. */
    void transpose() {
        for (int p = 0; p < in; p++) {
            for (int j = 0; j < out; j++) {
                transposed[j * in + p] = params[p * out + j];
            }
        }
    }

    /** {@code y = Wᵀx + b} for samples {@code from .. from + count}; {@code x} has rows of {@code in} floats. */
    void forward(float[] x, int from, int count, float[] y) {
        for (int s = from; s < from + count; s++) {
            System.arraycopy(params, in * out, y, s * out, out);
        }
        K.gemm(x, from * in, in, count, in, params, 0, out, y, from * out, out, out, true);
    }

    /** {@code dx = W dy} for samples {@code from .. from + count}: the input gradient from the output gradient. */
    void backward(float[] dy, int from, int count, float[] dx) {
        K.gemm(dy, from * out, out, count, out, transposed, 0, in, dx, from * in, in, in, false);
    }

    /**
     * Writes the gradients of parameter rows {@code rowFrom .. rowTo} summed over a batch of {@code n} samples into
     * {@code grad} (same layout as {@link #params}): {@code Σ_s x_s[row] dy_s} for a weight row and
     * {@code Σ_s dy_s} for the bias row. {@code xT} holds the inputs transposed, input {@code p} of sample {@code s}
     * at float {@code p * xTStride + s}; {@code dys} holds the output gradients, one row of {@code out} per sample.
     */
    void gradientRows(int rowFrom, int rowTo, int n, float[] xT, int xTStride, float[] dys, float[] grad) {
        int weightRows = Math.min(rowTo, in) - rowFrom;
        if (weightRows > 0) {
            K.gemm(xT, rowFrom * xTStride, xTStride, weightRows, n, dys, 0, out, grad,
                    rowFrom * out, out, out, false);
        }
        if (rowTo > in) {
            int g = in * out;
            Arrays.fill(grad, g, g + out, 0f);
            for (int s = 0; s < n; s++) {
                K.axpy(1f, dys, s * out, grad, g, out);
            }
        }
    }
}
