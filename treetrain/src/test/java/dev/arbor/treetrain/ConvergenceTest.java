package dev.arbor.treetrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogBuilder;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.dataset.TrainingSamples;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeShape;
import dev.arbor.nn.TrainableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Training to convergence: patience, the learning-rate decay, the best checkpoint and the time budget. */
class ConvergenceTest {
    private static final ModelArchitecture ARCH = new ModelArchitecture(ModelKind.ATTENTION_DNN, 8,
            BehaviourWindows.sizes(), 6, new int[] {16, 8});

    private final TreeShape shape = TreeShape.forItems(2, 64);
    private final int[] itemToLeaf = new int[64];
    private final TrainingSamples samples;

    ConvergenceTest() {
        SplittableRandom r = new SplittableRandom(5);
        InteractionLogBuilder b = new InteractionLogBuilder(true);
        for (int u = 0; u < 60; u++) {
            for (int t = 0; t < 12; t++) {
                b.add(u + 1, r.nextInt(64) + 1, t);
            }
        }
        InteractionLog log = b.build();
        samples = DataSplit.of(log, SplitOptions.withSeed(3).withTestUsers(5).withValidationUsers(5)).trainingSamples(3);
        for (int i = 0; i < itemToLeaf.length; i++) {
            itemToLeaf[i] = i;
        }
    }

    private TdmTrainer.Outcome train(TrainableModel model, TdmTrainer.Config config, TdmTrainer.Validation validation,
                                     List<String> lines) {
        LayerwiseSampler sampler = new LayerwiseSampler(shape, itemToLeaf, NegativeSchedule.paper(shape.levels(), 0.2),
                1, null);
        return TdmTrainer.train(model, samples, shape, itemToLeaf, sampler, config, lines::add, validation);
    }

    /** Scores the validation hands out epoch by epoch, remembering the model's state at each call. */
    private static final class Scripted implements TdmTrainer.Validation {
        private final double[] scores;
        final List<float[][]> states = new ArrayList<>();

        Scripted(double... scores) {
            this.scores = scores;
        }

        @Override
        public double score(TrainableModel model) {
            states.add(model.checkpoint());
            return scores[states.size() - 1];
        }
    }

    @Test
    void stopsAfterPatienceEpochsWithoutGainAndKeepsTheBestEpoch() {
        TrainableModel model = TrainableModel.create(ARCH, shape.nodeCount(), TrainableModel.Options.defaults(), 1);
        Scripted validation = new Scripted(0.1, 0.3, 0.2, 0.25, 0.9, 0.9);
        List<String> lines = new ArrayList<>();
        TdmTrainer.Outcome outcome = train(model, new TdmTrainer.Config(6, 0, 20, 0.01f, 2, 7, 2,
                Double.POSITIVE_INFINITY, 0f), validation, lines);
        assertEquals(4, outcome.epochs(), "epochs 3 and 4 did not beat epoch 2: patience 2 stops after epoch 4");
        assertEquals(2, outcome.bestEpoch());
        assertEquals(0.3, outcome.bestScore());
        assertEquals("patience", outcome.stopReason());
        float[][] kept = model.checkpoint();
        float[][] atBest = validation.states.get(1);
        for (int i = 0; i < kept.length; i++) {
            assertArrayEquals(atBest[i], kept[i], "the model is back at epoch 2's state, array " + i);
        }
        assertFalse(java.util.Arrays.equals(validation.states.get(3)[0], kept[0]), "epoch 4 had moved on");
        assertTrue(lines.stream().anyMatch(l -> l.contains("epoch 2/6 done") && l.contains("validation score 30.00% (best)")),
                String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("epoch 3/6 done") && l.contains("lr 0.010")), "epoch 3 ran at the"
                + " full rate: " + String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("epoch 4/6 done") && l.contains("lr 0.0050")), "epoch 4 ran at"
                + " half the rate after epoch 3 missed: " + String.join("\n", lines));
        assertTrue(lines.getLast().contains("stopped after 4 epochs (patience); kept epoch 2"), lines.getLast());
    }

    @Test
    void timeBudgetStopsTrainingAndStillKeepsTheBestEpoch() {
        TrainableModel model = TrainableModel.create(ARCH, shape.nodeCount(), TrainableModel.Options.defaults(), 1);
        Scripted validation = new Scripted(0.5, 0.6);
        // A budget of a nanosecond runs out after the first step, whatever the machine's speed.
        TdmTrainer.Outcome outcome = train(model, new TdmTrainer.Config(5, 0, 20, 0.01f, 1, 7, 3, 1e-9, 0f), validation,
                new ArrayList<>());
        assertEquals(1, outcome.epochs());
        assertEquals("time budget", outcome.stopReason());
        assertEquals(1, validation.states.size(), "the cut-short epoch is still validated");
        assertEquals(1, outcome.bestEpoch());
    }

    @Test
    void withoutValidationTheConfiguredEpochsRun() {
        TrainableModel model = TrainableModel.create(ARCH, shape.nodeCount(), TrainableModel.Options.defaults(), 1);
        TdmTrainer.Outcome outcome = train(model, new TdmTrainer.Config(3, 0, 20, 0.01f, 1, 7), null, new ArrayList<>());
        assertEquals(3, outcome.epochs());
        assertEquals(3, outcome.bestEpoch());
        assertEquals("epochs", outcome.stopReason());
        assertTrue(Double.isNaN(outcome.bestScore()));
    }

    @Test
    void badBudgetsAndPatienceAreRefusedByName() {
        var patience = assertThrows(IllegalArgumentException.class,
                () -> new TdmTrainer.Config(3, 0, 20, 0.01f, 1, 7, 0, 60, 0f));
        assertTrue(patience.getMessage().contains("patience must be at least 1"), patience.getMessage());
        for (double budget : new double[] {0, -5, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new TdmTrainer.Config(3, 0, 20, 0.01f, 1, 7, 2, budget, 0f));
            assertTrue(e.getMessage().contains("time budget must be more than 0 seconds"), e.getMessage());
        }
    }
}
