package dev.arbor.latticetrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeShape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The backward pass against central finite differences of the loss, for every coordinate of every tensor (code
 * embeddings, each layer's MLP, the reranker) and of both item tables, on samples with one and several paths, shared
 * path prefixes, padding, an empty window, a history item that is also the target, and negatives that repeat or hit the
 * target. The differences are taken on a double-precision rewrite of the loss ({@link ReferenceLoss}) with a step of
 * 1e-6, where a step crossing a PReLU kink is rare enough not to matter.
 */
class LatticeGradientCheckTest {
    private static final double STEP = 1e-6;
    /** Relative to the largest coordinate of the tensor's gradient: the float backward pass against the exact one. */
    private static final double TOLERANCE = 2e-4;
    private static final int ITEMS = 12;

    @ParameterizedTest
    @CsvSource({"3, 3, 1, 1", "3, 3, 3, 2", "4, 2, 2, 1", "3, 1, 2, 2"})
    void everyCoordinate(int k, int depth, int paths, int hiddenLayers) {
        int[] hidden = hiddenLayers == 1 ? new int[] {5} : new int[] {5, 4};
        LatticeArchitecture arch = new LatticeArchitecture(new LatticeShape(k, depth), 3, new int[] {60, 5, 3, 1},
                hidden, new int[] {4, 3});
        TrainableLattice model = TrainableLattice.create(arch, ITEMS, 0.5f, 1);
        randomise(model, 2);
        int[] history = new int[BehaviourWindows.SLOTS];
        Arrays.fill(history, -1);
        // Window 0 (slots 0..59) holds two items, one twice; window 1 is empty; windows 2 and 3 hold one each.
        history[50] = 3;
        history[58] = 3;
        history[59] = 7;
        history[66] = 5;
        history[68] = 1;
        int[] codes = pathsOf(k, depth, paths);
        int target = 5;
        int[] negatives = {2, 5, 9, 2, 11};
        float[] logQ = new float[ITEMS];
        for (int i = 0; i < ITEMS; i++) {
            logQ[i] = (float) Math.log((i + 1.0) / (ITEMS * (ITEMS + 1) / 2.0));
        }
        LatticeGradients g = new LatticeGradients(model);
        LatticeForwardBackward pass = new LatticeForwardBackward(model, paths);
        float scale = 0.5f;
        pass.run(history, 0, codes, paths, target, negatives, negatives.length, logQ, scale, g);
        ReferenceLoss ref = new ReferenceLoss(model);
        double loss = ref.loss(history, codes, paths, target, negatives, logQ);
        assertEquals(loss, pass.pathLoss() + pass.rerankLoss(), 1e-4 * Math.max(1, Math.abs(loss)), "loss");
        for (int i = 0; i < model.tensorCount(); i++) {
            compare(arch.tensors().get(i).name(), g.dense[i], ref, i, scale, history, codes, paths, target, negatives,
                    logQ);
        }
        compare("item embeddings", rows(g.items, ITEMS), ref, model.tensorCount(), scale, history, codes, paths, target,
                negatives, logQ);
        compare("rerank embeddings", rows(g.rerankItems, ITEMS), ref, model.tensorCount() + 1, scale, history, codes,
                paths, target, negatives, logQ);
    }

    /** {@code count} distinct paths; the second shares the first's prefix but for its last code. */
    private static int[] pathsOf(int k, int depth, int count) {
        int[] codes = new int[count * depth];
        for (int j = 0; j < count; j++) {
            for (int d = 0; d < depth; d++) {
                codes[j * depth + d] = d == depth - 1 ? (j + d) % k : (j / 2 + d) % k;
            }
        }
        return codes;
    }

    private static float[] rows(dev.arbor.nn.RowGradients rows, int count) {
        float[] dense = new float[count * rows.dim()];
        for (int s = 0; s < rows.size(); s++) {
            System.arraycopy(rows.values(), s * rows.dim(), dense, rows.row(s) * rows.dim(), rows.dim());
        }
        return dense;
    }

    private static void compare(String name, float[] analytic, ReferenceLoss ref, int param, float scale, int[] history,
                                int[] codes, int paths, int target, int[] negatives, float[] logQ) {
        double[] x = ref.params[param];
        double[] numeric = new double[x.length];
        double largest = 0;
        for (int c = 0; c < x.length; c++) {
            double keep = x[c];
            x[c] = keep + STEP;
            double up = ref.loss(history, codes, paths, target, negatives, logQ);
            x[c] = keep - STEP;
            double down = ref.loss(history, codes, paths, target, negatives, logQ);
            x[c] = keep;
            numeric[c] = scale * (up - down) / (2 * STEP);
            largest = Math.max(largest, Math.abs(numeric[c]));
        }
        // A weight matrix always matters; a PReLU slope only where some unit is negative, a code only above the last layer.
        assertTrue(largest > 0 || !name.endsWith(".w"), name + ": the loss does not depend on it, so the check proves nothing");
        for (int c = 0; c < x.length; c++) {
            assertEquals(numeric[c], analytic[c], TOLERANCE * Math.max(largest, 1e-3),
                    name + " coordinate " + c + " of " + x.length);
        }
    }

    /** Every tensor and table perturbed, so that biases are non-zero and slopes differ. */
    private static void randomise(TrainableLattice model, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < model.tensorCount(); i++) {
            float[] t = model.tensor(i);
            for (int c = 0; c < t.length; c++) {
                t[c] += (float) (0.5 * random.nextGaussian());
            }
        }
    }
}
