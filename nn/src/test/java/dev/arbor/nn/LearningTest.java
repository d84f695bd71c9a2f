package dev.arbor.nn;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on a synthetic task that only learnt embeddings can solve: behaviours and candidates fall
 * into clusters, a history holds behaviours of one cluster, and a candidate is positive when it belongs
 * to the same cluster. Behaviours and candidates use disjoint rows (as items and the internal tree nodes
 * do), and the table starts random, so both the history and the candidate embedding gradients must work.
 */
class LearningTest {

    private static final int CLUSTERS = 4;
    private static final int PER_CLUSTER = 8;

    @ParameterizedTest
    @CsvSource({"ATTENTION_DNN, false", "MLP, true"})
    void learnsClusterMembership(ModelKind kind, boolean batchNorm) {
        ModelArchitecture arch = new ModelArchitecture(kind, 8, new int[] {3, 2, 1},
                kind == ModelKind.ATTENTION_DNN ? 8 : 0, new int[] {16, 8});
        TrainableModel m = TrainableModel.create(arch, 2 * CLUSTERS * PER_CLUSTER,
                TrainableModel.Options.defaults().withBatchNorm(batchNorm), 17);
        SplittableRandom r = new SplittableRandom(23);
        Batch eval = sample(arch, 200, r);
        double[] before = evaluate(m, eval);
        try (MinibatchTrainer trainer = new MinibatchTrainer(m, AdamConfig.of(0.01f), 2)) {
            for (int step = 0; step < 300; step++) {
                trainer.step(sample(arch, 32, r));
            }
        }
        double[] after = evaluate(m, eval);
        assertTrue(after[0] < 0.25 * before[0], "loss " + before[0] + " -> " + after[0]);
        assertTrue(after[1] > 0.95, "accuracy " + before[1] + " -> " + after[1]);
    }

    /** Groups of two same-cluster and two other-cluster candidates against a history of one cluster. */
    private static Batch sample(ModelArchitecture arch, int groups, SplittableRandom r) {
        int[] history = new int[arch.historyLength()];
        Batch b = new Batch(history.length);
        for (int g = 0; g < groups; g++) {
            int c = r.nextInt(CLUSTERS);
            for (int s = 0; s < history.length; s++) {
                history[s] = r.nextDouble() < 0.25 ? -1 : row(c, r);
            }
            b.addHistory(history);
            for (int k = 0; k < 4; k++) {
                int other = (c + 1 + r.nextInt(CLUSTERS - 1)) % CLUSTERS;
                b.addCandidate(CLUSTERS * PER_CLUSTER + row(k < 2 ? c : other, r), k < 2 ? 1 : 0);
            }
        }
        return b;
    }

    private static int row(int cluster, SplittableRandom r) {
        return cluster * PER_CLUSTER + r.nextInt(PER_CLUSTER);
    }

    /** Mean loss and accuracy (score sign against label) in inference mode. */
    private static double[] evaluate(TrainableModel m, Batch batch) {
        int h = batch.historyLength();
        int[] history = new int[h];
        float[] scores = new float[4];
        int[] cands = new int[4];
        double loss = 0;
        int correct = 0;
        for (int g = 0; g < batch.groupCount(); g++) {
            System.arraycopy(batch.histories(), g * h, history, 0, h);
            int q0 = batch.groupStart(g);
            int n = batch.groupStart(g + 1) - q0;
            System.arraycopy(batch.rows(), q0, cands, 0, n);
            m.score(history, cands, n, scores);
            for (int k = 0; k < n; k++) {
                int y = batch.labels()[q0 + k];
                double s = y == 1 ? scores[k] : -scores[k];
                loss += Math.log1p(Math.exp(-s));
                correct += s > 0 ? 1 : 0;
            }
        }
        return new double[] {loss / batch.pairCount(), (double) correct / batch.pairCount()};
    }
}
