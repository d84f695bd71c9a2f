package dev.arbor.nn;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.ModelWeights;
import dev.arbor.scorer.ReferenceScorer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The training-side forward pass against the literal serving semantics, and BatchNorm folding on export. */
class ForwardTest {

    @ParameterizedTest
    @EnumSource(ModelKind.class)
    void scoreMatchesReferenceSemantics(ModelKind kind) {
        for (ModelArchitecture arch : new ModelArchitecture[] {Fixtures.small(kind), Fixtures.tdm(kind)}) {
            TrainableModel m = TrainableModel.create(arch, 40, TrainableModel.Options.defaults(), 7);
            Fixtures.randomise(m, 8);
            assertScoresMatch(m, new ReferenceScorer(m.export()), 1e-4);
        }
    }

    /** The BN model in inference mode and its folded export score alike, after training moved the BN state. */
    @ParameterizedTest
    @EnumSource(ModelKind.class)
    void foldedBatchNormScoresLikeInference(ModelKind kind) {
        ModelArchitecture arch = Fixtures.small(kind);
        TrainableModel m = TrainableModel.create(arch, 40,
                new TrainableModel.Options(true, 1e-5f, 0.3f, 0.3f), 3);
        try (MinibatchTrainer trainer = new MinibatchTrainer(m, AdamConfig.of(0.05f), 1)) {
            for (int step = 0; step < 20; step++) {
                trainer.step(Fixtures.randomBatch(arch, 40, 6, 4, step));
            }
        }
        assertNotEquals(0f, m.runningMean(0)[0]);
        assertNotEquals(1f, m.parameter("bn1.gamma")[0]);
        ModelWeights folded = m.export();
        assertScoresMatch(m, new ReferenceScorer(folded), 1e-4);
        TrainableModel plain = TrainableModel.fromWeights(folded, m.embeddings());
        int[] history = {3, -1, -1, 5, 7, 9};
        int[] cands = {5, 0, 11, 39, 20};
        float[] a = new float[cands.length];
        float[] b = new float[cands.length];
        m.score(history, cands, cands.length, a);
        plain.score(history, cands, cands.length, b);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-4 * (1 + Math.abs(a[i])), "candidate " + i);
        }
    }

    private static void assertScoresMatch(TrainableModel m, ReferenceScorer reference, double tol) {
        ModelArchitecture arch = m.architecture();
        int d = arch.embeddingDim();
        float[] emb = m.embeddings();
        SplittableRandom r = new SplittableRandom(11);
        int h = arch.historyLength();
        int[] cands = new int[9];
        float[] out = new float[cands.length];
        for (int trial = 0; trial < 6; trial++) {
            int[] history = new int[h];
            for (int s = 0; s < h; s++) {
                history[s] = r.nextDouble() < 0.3 ? -1 : r.nextInt(m.embeddingRows());
            }
            if (trial == 1) {
                Arrays.fill(history, 0, arch.windowSizes()[0], -1);
            } else if (trial == 2) {
                Arrays.fill(history, -1);
            }
            for (int c = 0; c < cands.length; c++) {
                cands[c] = r.nextInt(m.embeddingRows());
            }
            m.score(history, cands, cands.length, out);
            float[][] historyVectors = new float[h][];
            for (int s = 0; s < h; s++) {
                historyVectors[s] = history[s] < 0 ? null : Arrays.copyOfRange(emb, history[s] * d, history[s] * d + d);
            }
            for (int c = 0; c < cands.length; c++) {
                double want = reference.score(historyVectors, Arrays.copyOfRange(emb, cands[c] * d, cands[c] * d + d));
                assertEquals(want, out[c], tol * (1 + Math.abs(want)), "trial " + trial + " candidate " + c);
            }
        }
    }
}
