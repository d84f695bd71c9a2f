package dev.arbor.nn;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Data-parallel steps against single-threaded ones, and single-threaded determinism. */
class ParallelTrainingTest {

    private static final int ROWS = 50;

    @ParameterizedTest
    @CsvSource({"ATTENTION_DNN, false", "ATTENTION_DNN, true", "MLP, false", "MLP, true"})
    void threeThreadsMatchOne(ModelKind kind, boolean batchNorm) {
        ModelArchitecture arch = Fixtures.small(kind);
        TrainableModel.Options options = new TrainableModel.Options(batchNorm, 1e-5f, 0.2f, 0.3f);
        TrainableModel single = TrainableModel.create(arch, ROWS, options, 5);
        TrainableModel multi = TrainableModel.create(arch, ROWS, options, 5);
        try (MinibatchTrainer one = new MinibatchTrainer(single, AdamConfig.of(1e-3f), 1);
             MinibatchTrainer three = new MinibatchTrainer(multi, AdamConfig.of(1e-3f), 3)) {
            for (int step = 0; step < 4; step++) {
                // Uneven groups so the threads' chunks differ in size; the last step leaves a thread idle.
                Batch batch = Fixtures.randomBatch(arch, ROWS, step == 3 ? 2 : 11, 1 + step, 40 + step);
                double a = one.step(batch);
                double b = three.step(batch);
                assertEquals(a, b, 1e-6 * (1 + a), "loss at step " + step);
                assertGradientsClose(one.gradients(), three.gradients());
            }
        }
        for (int i = 0; i < single.parameterCount(); i++) {
            assertClose(single.parameter(i), multi.parameter(i), 1e-5, single.parameterNames().get(i));
        }
        assertClose(single.embeddings(), multi.embeddings(), 1e-5, "embeddings");
        if (batchNorm) {
            for (int l = 0; l < arch.mlpHidden().length; l++) {
                assertClose(single.runningMean(l), multi.runningMean(l), 1e-5, "running mean " + l);
                assertClose(single.runningVar(l), multi.runningVar(l), 1e-5, "running var " + l);
            }
        }
    }

    @Test
    void sampledSoftmaxThreeThreadsMatchOne() {
        ModelArchitecture arch = Fixtures.small(ModelKind.ATTENTION_DNN);
        TrainableModel single = TrainableModel.create(arch, ROWS, TrainableModel.Options.defaults(), 5);
        TrainableModel multi = TrainableModel.create(arch, ROWS, TrainableModel.Options.defaults(), 5);
        try (MinibatchTrainer one = new MinibatchTrainer(single, AdamConfig.of(1e-3f), 1);
             MinibatchTrainer three = new MinibatchTrainer(multi, AdamConfig.of(1e-3f), 3)) {
            one.setLoss(Loss.SAMPLED_SOFTMAX);
            three.setLoss(Loss.SAMPLED_SOFTMAX);
            for (int step = 0; step < 3; step++) {
                Batch batch = Fixtures.levelBatch(arch.historyLength(), ROWS, 10, 2 + step, 3, 60 + step);
                double a = one.step(batch);
                assertEquals(a, three.step(batch), 1e-6 * (1 + a), "loss at step " + step);
                assertGradientsClose(one.gradients(), three.gradients());
            }
        }
        assertClose(single.embeddings(), multi.embeddings(), 1e-5, "embeddings");
    }

    @Test
    void sampledSoftmaxRejectsAGroupThatStartsWithANegative() {
        ModelArchitecture arch = Fixtures.small(ModelKind.MLP);
        TrainableModel m = TrainableModel.create(arch, ROWS, TrainableModel.Options.defaults(), 5);
        Batch batch = new Batch(arch.historyLength());
        batch.addHistory(new int[arch.historyLength()]);
        batch.addCandidate(1, 1);
        batch.addHistory(new int[arch.historyLength()]);
        batch.addCandidate(2, 0);
        batch.addCandidate(3, 1);
        try (MinibatchTrainer t = new MinibatchTrainer(m, AdamConfig.of(1e-3f), 1)) {
            t.setLoss(Loss.SAMPLED_SOFTMAX);
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> t.step(batch));
            assertEquals("the sampled-softmax loss needs every group to start with a positive; group 1 starts with a"
                    + " negative", e.getMessage());
        }
    }

    @Test
    void singleThreadIsDeterministic() {
        ModelArchitecture arch = Fixtures.small(ModelKind.ATTENTION_DNN);
        TrainableModel.Options options = TrainableModel.Options.defaults().withBatchNorm(true);
        TrainableModel a = TrainableModel.create(arch, ROWS, options, 8);
        TrainableModel b = TrainableModel.create(arch, ROWS, options, 8);
        for (TrainableModel m : new TrainableModel[] {a, b}) {
            try (MinibatchTrainer t = new MinibatchTrainer(m, AdamConfig.of(1e-2f), 1)) {
                for (int step = 0; step < 5; step++) {
                    t.step(Fixtures.randomBatch(arch, ROWS, 7, 3, step));
                }
            }
        }
        for (int i = 0; i < a.parameterCount(); i++) {
            assertArrayEquals(a.parameter(i), b.parameter(i), a.parameterNames().get(i));
        }
        assertArrayEquals(a.embeddings(), b.embeddings());
        assertArrayEquals(a.runningVar(1), b.runningVar(1));
    }

    private static void assertGradientsClose(Gradients a, Gradients b) {
        for (int i = 0; i < a.dense.length; i++) {
            assertClose(a.dense[i], b.dense[i], 1e-5, "gradient " + i);
        }
        RowGradients ra = a.embeddings;
        RowGradients rb = b.embeddings;
        assertEquals(ra.size(), rb.size(), "touched rows");
        int d = ra.dim();
        for (int s = 0; s < ra.size(); s++) {
            float[] ga = java.util.Arrays.copyOfRange(ra.values(), s * d, (s + 1) * d);
            float[] gb = java.util.Arrays.copyOfRange(rb.values(), rb.offsetOf(ra.row(s)), rb.offsetOf(ra.row(s)) + d);
            assertClose(ga, gb, 1e-5, "embedding row " + ra.row(s));
        }
    }

    /** Element-wise within {@code tol} of the larger of 1 and the tensor's largest magnitude. */
    private static void assertClose(float[] want, float[] got, double tol, String what) {
        double scale = 1;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * scale, what + "[" + i + "]");
        }
    }
}
