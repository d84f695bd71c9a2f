package dev.arbor.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogBuilder;
import dev.arbor.dataset.TrainingSamples;
import dev.arbor.nn.Parallel;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** Compares the analytic gradients of the layers and of the whole two-tower loss with central differences. */
class GradientCheckTest {

    private static final double EPS = 1e-3;

    /** Whether analytic {@code a} and numeric {@code n} agree, given float rounding in the loss. */
    private static void assertClose(double a, double n, String what) {
        assertTrue(Math.abs(a - n) <= 2e-3 + 0.03 * Math.max(Math.abs(a), Math.abs(n)),
                what + ": analytic " + a + ", numeric " + n);
    }

    /** The derivative of {@code loss} by {@code values[i]}, by central differences. */
    private static double numeric(float[] values, int i, DoubleSupplier loss) {
        float saved = values[i];
        values[i] = (float) (saved + EPS);
        double up = loss.getAsDouble();
        values[i] = (float) (saved - EPS);
        double down = loss.getAsDouble();
        values[i] = saved;
        return (up - down) / (2 * EPS);
    }

    @Test
    void denseLayer() {
        SplittableRandom random = new SplittableRandom(11);
        int in = 6;
        int out = 5;
        int n = 3;
        Dense layer = new Dense(in, out, random);
        for (int i = 0; i < layer.params.length; i++) {
            layer.params[i] = (float) random.nextGaussian();
        }
        layer.transpose();
        float[] xs = gaussian(n * in, random);
        float[] cs = gaussian(n * out, random);
        // loss = Σ_s c_s · y_s, so dL/dy_s = c_s.
        DoubleSupplier loss = () -> {
            float[] y = new float[n * out];
            layer.forward(xs, 0, n, y);
            double sum = 0;
            for (int i = 0; i < y.length; i++) {
                sum += cs[i] * y[i];
            }
            return sum;
        };
        float[] xT = new float[in * n];
        for (int s = 0; s < n; s++) {
            for (int p = 0; p < in; p++) {
                xT[p * n + s] = xs[s * in + p];
            }
        }
        float[] grad = new float[layer.params.length];
        // Rows in two ranges, as two workers would split them.
        layer.gradientRows(0, 4, n, xT, n, cs, grad);
        layer.gradientRows(4, layer.rows(), n, xT, n, cs, grad);
        for (int i = 0; i < grad.length; i++) {
            assertClose(grad[i], numeric(layer.params, i, loss), "param " + i);
        }
        float[] dx = new float[n * in];
        layer.backward(cs, 0, 2, dx);
        layer.backward(cs, 2, 1, dx);
        for (int i = 0; i < xs.length; i++) {
            assertClose(dx[i], numeric(xs, i, loss), "input " + i);
        }
    }

    private static float[] gaussian(int size, SplittableRandom random) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    @Test
    void twoTowerLoss() {
        int numItems = 9;
        InteractionLogBuilder b = new InteractionLogBuilder(false);
        for (int item = 0; item < numItems; item++) {
            b.add(item % 2, item);
        }
        InteractionLog log = b.build();
        TrainingSamples samples = TrainingSamples.of(log, new int[] {0, 1}, 1);
        TwoTowerOptions options = TwoTowerOptions.DEFAULTS.withBatchSize(3).withNegatives(5).withThreads(2);
        TwoTower model = new TwoTower(numItems, 3, 5, 17);
        SplittableRandom random = new SplittableRandom(5);
        for (float[] table : new float[][] {model.inputEmbeddings, model.itemEmbeddings}) {
            for (int i = 0; i < table.length; i++) {
                table[i] = (float) random.nextGaussian() * 0.7f;
            }
        }
        // Random biases: a zero bias puts the empty history's pre-activations exactly on the leaky ReLU's kink.
        for (Dense layer : new Dense[] {model.hiddenLayer, model.outputLayer}) {
            for (int i = layer.in * layer.out; i < layer.params.length; i++) {
                layer.params[i] = (float) random.nextGaussian() * 0.5f;
            }
        }
        TwoTowerTrainer trainer = new TwoTowerTrainer(model, options, samples);

        // Histories that fill one window with repeats, leave windows empty and span several windows.
        int[][] histories = {{4, 4, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 6, 7,
                8, 3, 3, 3, 1, 0, 5, 6, 7, 8, 8, 8, 8, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3,
                4, 5, 6, 7, 8, 2, 5, 6, 7, 8, 1}, {}};
        int[] targets = {1, 5, 8};
        // Negatives with a repeat and one equal to a target (masked for that sample only).
        int[] negatives = {0, 5, 3, 3, 7};
        for (int s = 0; s < 3; s++) {
            BehaviourWindows.history(histories[s], 0, histories[s].length, trainer.activations.history,
                    s * BehaviourWindows.SLOTS);
        }
        System.arraycopy(targets, 0, trainer.targets, 0, 3);
        System.arraycopy(negatives, 0, trainer.negatives, 0, negatives.length);

        try (Parallel parallel = new Parallel(2)) {
            DoubleSupplier meanLoss = () -> trainer.forwardBackward(parallel, 3) / 3;
            trainer.step(parallel, 3, false);
            float[] hiddenGrad = trainer.hiddenGrad.clone();
            float[] outputGrad = trainer.outputGrad.clone();
            float[] inputGrad = dense(trainer.inputGrad, numItems, 3);
            float[] itemGrad = dense(trainer.itemGrad, numItems, 3);

            check(hiddenGrad, model.hiddenLayer.params, meanLoss, "hidden layer");
            check(outputGrad, model.outputLayer.params, meanLoss, "output layer");
            check(inputGrad, model.inputEmbeddings, meanLoss, "input embeddings");
            check(itemGrad, model.itemEmbeddings, meanLoss, "item embeddings");
        }
    }

    /** The compact embedding gradient as a full table (zero for untouched rows). */
    private static float[] dense(TwoTowerTrainer.EmbeddingGradient g, int numItems, int dim) {
        float[] full = new float[numItems * dim];
        for (int r = 0; r < g.count; r++) {
            System.arraycopy(g.grad, r * dim, full, g.rows[r] * dim, dim);
        }
        return full;
    }

    private static void check(float[] analytic, float[] params, DoubleSupplier loss, String what) {
        double largest = 0;
        for (int i = 0; i < params.length; i++) {
            assertClose(analytic[i], numeric(params, i, loss), what + " [" + i + "]");
            largest = Math.max(largest, Math.abs(analytic[i]));
        }
        assertTrue(largest > 1e-2, what + " gradients are all close to 0, so the check would prove nothing");
    }
}
