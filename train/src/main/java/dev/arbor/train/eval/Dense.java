package dev.arbor.train.eval;

import dev.arbor.scorer.Kernels;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A fully connected layer {@code y = Wᵀx + b}. Its parameters are one row-major array of {@code in + 1} rows of
 * {@code out} values: row {@code p < in} holds the weights from input {@code p}, row {@code in} the bias. Both the
 * forward pass (one axpy per input) and the input gradient (one dot per input) then run over contiguous rows, and a
 * gradient array of the same layout lets threads own disjoint rows: each row's gradient is summed over the batch in
 * sample order, so the result is the same on any number of threads.
 */
final class Dense {

    private static final Kernels K = Kernels.best();

    final int in;
    final int out;
    /** Weights then bias, {@code (in + 1) × out} row-major. */
    final float[] params;

    /** A layer with Glorot-uniform weights and zero bias. */
    Dense(int in, int out, SplittableRandom random) {
        this.in = in;
        this.out = out;
        this.params = new float[(in + 1) * out];
        double limit = Math.sqrt(6.0 / (in + out));
        for (int i = 0; i < in * out; i++) {
            params[i] = (float) ((2 * random.nextDouble() - 1) * limit);
        }
    }

    /** The number of parameter rows: {@code in} weight rows and the bias row. */
    int rows() {
        return in + 1;
    }

    /** {@code y[yOff ..] = Wᵀ x[xOff ..] + b}. */
    void forward(float[] x, int xOff, float[] y, int yOff) {
        System.arraycopy(params, in * out, y, yOff, out);
        for (int p = 0; p < in; p++) {
            float xp = x[xOff + p];
            if (xp != 0) {
                K.axpy(xp, params, p * out, y, yOff, out);
            }
        }
    }

    /** {@code dx[dxOff ..] = W dy[dyOff ..]}: the gradient of the input from that of the output. */
    void backward(float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int p = 0; p < in; p++) {
            dx[dxOff + p] = Dot.dot(params, p * out, dy, dyOff, out);
        }
    }

    /**
     * Writes parameter row {@code row}'s gradient summed over a batch of {@code n} samples into
     * {@code grad[row * out ..]}: {@code Σ_s x_s[row] dy_s} for a weight row, {@code Σ_s dy_s} for the bias row.
     * Sample {@code s} has its input at {@code xs[s * xStride ..]} and output gradient at {@code dys[s * dyStride ..]}.
     */
    void gradientRow(int row, int n, float[] xs, int xStride, float[] dys, int dyStride, float[] grad) {
        int g = row * out;
        Arrays.fill(grad, g, g + out, 0f);
        for (int s = 0; s < n; s++) {
            float coefficient = row == in ? 1f : xs[s * xStride + row];
            if (coefficient != 0) {
                K.axpy(coefficient, dys, s * dyStride, grad, g, out);
            }
        }
    }
}
