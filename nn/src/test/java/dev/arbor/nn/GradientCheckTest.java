package dev.arbor.nn;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.scorer.ReferenceScorer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backward pass against central finite differences of the batch loss, for every tensor (attention
 * unit, hidden layers, output layer, BatchNorm) and for the touched embedding rows (history and candidate
 * rows, one row being both), with empty slots, an empty window and an empty history. The differences are
 * taken on the double-precision {@link ReferenceScorer} with a step of 1e-6: float differences would need a
 * step so large that it often crosses a PReLU kink of some pair, which makes them disagree with the exact
 * gradient by more than any tolerance that would still catch a wrong one.
 */
class GradientCheckTest {

    private static final double STEP = 1e-6;
    /** Relative to the largest gradient coordinate of the tensor: float backward against exact derivative. */
    private static final double TOLERANCE = 2e-4;

    @ParameterizedTest
    @CsvSource({"ATTENTION_DNN, false", "ATTENTION_DNN, true", "MLP, false", "MLP, true"})
    void smallModelEveryCoordinate(ModelKind kind, boolean batchNorm) {
        TrainableModel m = TrainableModel.create(Fixtures.small(kind), Fixtures.ROWS,
                TrainableModel.Options.defaults().withBatchNorm(batchNorm), 1);
        Fixtures.randomise(m, 2);
        check(m, Fixtures.smallBatch(), Integer.MAX_VALUE);
    }

    @ParameterizedTest
    @CsvSource({"ATTENTION_DNN, true", "MLP, false"})
    void tdmArchitectureSampledCoordinates(ModelKind kind, boolean batchNorm) {
        ModelArchitecture arch = Fixtures.tdm(kind);
        TrainableModel m = TrainableModel.create(arch, 30, TrainableModel.Options.defaults().withBatchNorm(batchNorm),
                4);
        Fixtures.randomise(m, 5);
        check(m, Fixtures.randomBatch(arch, 30, 3, 3, 6), 5);
    }

    @ParameterizedTest
    @CsvSource({"ATTENTION_DNN, false", "ATTENTION_DNN, true", "MLP, false"})
    void sampledSoftmaxEveryCoordinate(ModelKind kind, boolean batchNorm) {
        TrainableModel m = TrainableModel.create(Fixtures.small(kind), Fixtures.ROWS,
                TrainableModel.Options.defaults().withBatchNorm(batchNorm), 1);
        Fixtures.randomise(m, 3);
        check(m, Fixtures.levelBatch(6, Fixtures.ROWS, 5, 3, 4, 11), Integer.MAX_VALUE, Loss.SAMPLED_SOFTMAX);
    }

    @ParameterizedTest
    @CsvSource({"ATTENTION_DNN, false", "MLP, true"})
    void sampledSoftmaxTdmArchitectureSampledCoordinates(ModelKind kind, boolean batchNorm) {
        ModelArchitecture arch = Fixtures.tdm(kind);
        TrainableModel m = TrainableModel.create(arch, 30, TrainableModel.Options.defaults().withBatchNorm(batchNorm),
                4);
        Fixtures.randomise(m, 6);
        check(m, Fixtures.levelBatch(arch.historyLength(), 30, 3, 4, 3, 8), 5, Loss.SAMPLED_SOFTMAX);
    }

    private static void check(TrainableModel m, Batch batch, int perTensor) {
        check(m, batch, perTensor, Loss.BINARY);
    }

    /** Checks up to {@code perTensor} coordinates of each tensor and touched embedding rows. */
    private static void check(TrainableModel m, Batch batch, int perTensor, Loss loss) {
        ReferenceLoss ref = new ReferenceLoss(m, loss);
        Gradients g;
        try (MinibatchTrainer t = new MinibatchTrainer(m, AdamConfig.of(1e-3f), 1)) {
            t.setLoss(loss);
            double want = ref.batchLoss(batch);
            assertEquals(want, t.computeGradients(batch), 1e-5 * Math.max(1, Math.abs(want)), "loss");
            g = t.gradients();
        }
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < m.parameterCount(); i++) {
            String name = m.parameterNames().get(i);
            // With BN a dense bias is cancelled by the mean subtraction, and the softmax over a list cannot see the output
            // bias, which shifts every score of the list alike: their gradients are zero.
            boolean zero = m.options().batchNorm() && name.matches("mlp\\d+\\.b")
                    || loss == Loss.SAMPLED_SOFTMAX && name.equals("out.b");
            double[] w = ref.model.tensor(name);
            compare(name, ref, batch, w, 0, g.dense[i], 0, coords(w.length, perTensor, r), zero);
        }
        TreeSet<Integer> touched = new TreeSet<>();
        for (int q = 0; q < batch.pairCount(); q++) {
            touched.add(batch.rows()[q]);
        }
        for (int grp = 0; grp < batch.groupCount(); grp++) {
            for (int s = 0; s < batch.historyLength() && batch.groupStart(grp + 1) > batch.groupStart(grp); s++) {
                int row = batch.histories()[grp * batch.historyLength() + s];
                if (row >= 0) {
                    touched.add(row);
                }
            }
        }
        RowGradients rows = g.embeddings;
        assertEquals(touched.size(), rows.size(), "touched embedding rows");
        int d = m.architecture().embeddingDim();
        for (int slot = 0; slot < rows.size(); slot++) {
            int row = rows.row(slot);
            assertTrue(touched.contains(row), "row " + row + " has a gradient but was not in the batch");
            if (slot < perTensor) {
                compare("embedding row " + row, ref, batch, ref.emb, row * d, rows.values(), slot * d,
                        coords(d, perTensor, r), false);
            }
        }
    }

    private static int[] coords(int n, int max, SplittableRandom r) {
        return n <= max ? IntStream.range(0, n).toArray() : r.ints(0, n).distinct().limit(max).toArray();
    }

    private static void compare(String name, ReferenceLoss ref, Batch batch, double[] w, int wo, float[] grad, int go,
                                int[] coords, boolean zero) {
        double[] numeric = new double[coords.length];
        double scale = 0;
        for (int k = 0; k < coords.length; k++) {
            int j = wo + coords[k];
            double saved = w[j];
            w[j] = saved + STEP;
            double up = ref.batchLoss(batch);
            w[j] = saved - STEP;
            double down = ref.batchLoss(batch);
            w[j] = saved;
            numeric[k] = (up - down) / (2 * STEP);
            scale = Math.max(scale, Math.abs(numeric[k]));
        }
        if (zero) {
            for (int k = 0; k < coords.length; k++) {
                assertEquals(0, grad[go + coords[k]], 1e-6, name + "[" + coords[k] + "]");
                assertEquals(0, numeric[k], 1e-6, name + "[" + coords[k] + "] (numeric)");
            }
            return;
        }
        assertTrue(scale > 1e-6, name + " has no gradient to check");
        for (int k = 0; k < coords.length; k++) {
            assertEquals(numeric[k], grad[go + coords[k]], TOLERANCE * scale, name + "[" + coords[k] + "]");
        }
    }

    /**
     * The training-mode batch loss on {@link ReferenceScorer}: the mean 2-way softmax cross-entropy over the
     * batch's pairs, or the sampled softmax over each positive and the negatives after it, with BatchNorm (when the model has it) between each hidden layer's dense part and its PReLU,
     * on the batch's statistics. Holds double copies of the model's tensors ({@code model.tensor}) and
     * embedding table ({@link #emb}) for the differences to perturb.
     */
    private static final class ReferenceLoss {

        final ReferenceScorer model;
        final double[] emb;
        private final ModelArchitecture arch;
        private final boolean batchNorm;
        private final double bnEpsilon;
        private final Loss loss;

        ReferenceLoss(TrainableModel m, Loss loss) {
            this.loss = loss;
            float[][] p = new float[m.parameterCount()][];
            for (int i = 0; i < p.length; i++) {
                p[i] = m.parameter(i);
            }
            model = new ReferenceScorer(m.architecture(), m.parameterNames(), p);
            float[] e = m.embeddings();
            emb = new double[e.length];
            for (int i = 0; i < e.length; i++) {
                emb[i] = e[i];
            }
            arch = m.architecture();
            batchNorm = m.options().batchNorm();
            bnEpsilon = m.options().bnEpsilon();
        }

        double batchLoss(Batch batch) {
            int pairs = batch.pairCount();
            int h = batch.historyLength();
            double[][] x = new double[pairs][];
            double[][] history = new double[h][];
            for (int g = 0; g < batch.groupCount(); g++) {
                for (int s = 0; s < h; s++) {
                    int row = batch.histories()[g * h + s];
                    history[s] = row < 0 ? null : row(row);
                }
                for (int q = batch.groupStart(g); q < batch.groupStart(g + 1); q++) {
                    x[q] = model.mlpInput(history, row(batch.rows()[q]));
                }
            }
            for (int l = 0; l < arch.mlpHidden().length; l++) {
                for (int q = 0; q < pairs; q++) {
                    x[q] = model.hiddenLayer(l, x[q]);
                }
                if (batchNorm) {
                    normalise(x, model.tensor("bn" + l + ".gamma"), model.tensor("bn" + l + ".beta"));
                }
                for (int q = 0; q < pairs; q++) {
                    model.activate(l, x[q]);
                }
            }
            double[] score = new double[pairs];
            for (int q = 0; q < pairs; q++) {
                double[] logits = model.logits(x[q]);
                score[q] = logits[1] - logits[0];
            }
            int[] labels = batch.labels();
            double total = 0;
            int positives = 0;
            if (loss == Loss.BINARY) {
                for (int q = 0; q < pairs; q++) {
                    // -log sigmoid(+-s), written out the long way
                    total += Math.log(1 + Math.exp(labels[q] == 1 ? -score[q] : score[q]));
                }
                return total / pairs;
            }
            for (int g = 0; g < batch.groupCount(); g++) {
                int end = batch.groupStart(g + 1);
                for (int q = batch.groupStart(g); q < end; q++) {
                    if (labels[q] != 1) {
                        continue;
                    }
                    double sumExp = 0;
                    for (int j = q; j < end && (j == q || labels[j] == 0); j++) {
                        sumExp += Math.exp(score[j]);
                    }
                    total += Math.log(sumExp) - score[q];
                    positives++;
                }
            }
            return total / positives;
        }

        private double[] row(int row) {
            int d = arch.embeddingDim();
            return Arrays.copyOfRange(emb, row * d, row * d + d);
        }

        private void normalise(double[][] z, double[] gamma, double[] beta) {
            for (int i = 0; i < gamma.length; i++) {
                double mean = 0;
                for (double[] row : z) {
                    mean += row[i];
                }
                mean /= z.length;
                double var = 0;
                for (double[] row : z) {
                    var += (row[i] - mean) * (row[i] - mean);
                }
                var /= z.length;
                for (double[] row : z) {
                    row[i] = gamma[i] * (row[i] - mean) / Math.sqrt(var + bnEpsilon) + beta[i];
                }
            }
        }
    }
}
