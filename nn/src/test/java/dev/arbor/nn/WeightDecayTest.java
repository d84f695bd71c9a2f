package dev.arbor.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import org.junit.jupiter.api.Test;

/** Decoupled weight decay: one step with it shrinks exactly the weight matrices and the touched embedding rows. */
class WeightDecayTest {
    private static final int ROWS = 50;
    private static final float LR = 0.01f, DECAY = 0.1f;

    @Test
    void decayShrinksWeightMatricesAndTouchedRowsOnly() {
        ModelArchitecture arch = Fixtures.small(ModelKind.ATTENTION_DNN);
        TrainableModel plain = TrainableModel.create(arch, ROWS, TrainableModel.Options.defaults(), 3);
        TrainableModel decayed = TrainableModel.create(arch, ROWS, TrainableModel.Options.defaults(), 3);
        float[][] before = plain.checkpoint();
        Batch batch = Fixtures.randomBatch(arch, ROWS, 4, 3, 1);
        try (MinibatchTrainer a = new MinibatchTrainer(plain, AdamConfig.of(LR), 1);
             MinibatchTrainer b = new MinibatchTrainer(decayed, AdamConfig.of(LR), 1)) {
            b.setWeightDecay(DECAY);
            a.step(batch);
            b.step(batch);
        }
        // Same gradients (computed before the update), same Adam step: the difference is the decay alone.
        int matrices = 0;
        for (int i = 0; i < plain.parameterCount(); i++) {
            String name = plain.parameterNames().get(i);
            boolean matrix = name.endsWith(".w") || name.equals("att.w1") || name.equals("att.w2");
            matrices += matrix ? 1 : 0;
            float[] p = plain.parameter(i), d = decayed.parameter(i);
            for (int j = 0; j < p.length; j++) {
                float expected = matrix ? -LR * DECAY * before[i][j] : 0f;
                assertEquals(expected, d[j] - p[j], 1e-6f + 1e-4f * Math.abs(expected), name + "[" + j + "]");
            }
        }
        assertTrue(matrices >= 4, "the attention unit's, the hidden layers' and the output's weights decay");
        float[] p = plain.embeddings(), d = decayed.embeddings(), start = before[plain.parameterCount()];
        int shrunk = 0, unchanged = 0;
        for (int j = 0; j < p.length; j++) {
            if (p[j] == start[j]) {
                unchanged++; // an untouched row: no gradient, and the decay is lazy like Adam's
                assertEquals(start[j], d[j], "untouched embedding " + j);
            } else {
                shrunk++;
                assertEquals(-LR * DECAY * start[j], d[j] - p[j], 1e-6f + 1e-4f * Math.abs(start[j]), "embedding " + j);
            }
        }
        assertTrue(shrunk > 0 && unchanged > 0, shrunk + " touched, " + unchanged + " untouched");
    }

    @Test
    void decayOutsideZeroToOneIsRefused() {
        TrainableModel model = TrainableModel.create(Fixtures.small(ModelKind.MLP), ROWS, TrainableModel.Options.defaults(), 3);
        try (MinibatchTrainer t = new MinibatchTrainer(model, AdamConfig.of(LR), 1)) {
            for (float bad : new float[] {-0.1f, 1f, Float.NaN}) {
                var e = assertThrows(IllegalArgumentException.class, () -> t.setWeightDecay(bad));
                assertTrue(e.getMessage().contains("weight decay must be in [0, 1)"), e.getMessage());
            }
        }
    }
}
