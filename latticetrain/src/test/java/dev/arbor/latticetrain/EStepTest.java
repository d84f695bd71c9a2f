package dev.arbor.latticetrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLogBuilder;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.dataset.TrainingSamples;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeShape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The E-step's convergence: patience, the halved learning rate, the best epoch kept, the time budget. */
class EStepTest {
    private static final LatticeArchitecture ARCH = new LatticeArchitecture(new LatticeShape(4, 2), 6,
            BehaviourWindows.sizes(), new int[] {8}, new int[] {8});

    private final TrainingSamples samples = samples();
    private final int[] paths = LatticeRounds.randomPaths(ARCH.lattice(), 30, 2, 1);

    /** A fresh copy each call: training shuffles its samples in place. */
    private static TrainingSamples samples() {
        SplittableRandom r = new SplittableRandom(5);
        InteractionLogBuilder b = new InteractionLogBuilder(true);
        for (int u = 0; u < 40; u++) {
            for (int t = 0; t < 10; t++) {
                b.add(u + 1, r.nextInt(30) + 1, t);
            }
        }
        return DataSplit.of(b.build(), SplitOptions.withSeed(3).withTestUsers(4).withValidationUsers(4))
                .trainingSamples(3);
    }

    /** Hands out scripted scores epoch by epoch, keeping the model's state at each call. */
    private static final class Scripted implements EStep.Validation {
        private final double[] scores;
        final List<float[][]> states = new ArrayList<>();

        Scripted(double... scores) {
            this.scores = scores;
        }

        @Override
        public double score(TrainableLattice model) {
            states.add(model.checkpoint());
            return scores[states.size() - 1];
        }

        @Override
        public String name() {
            return "validation score";
        }
    }

    @Test
    void patienceStopsTrainingAndTheBestEpochIsKept() {
        TrainableLattice model = TrainableLattice.create(ARCH, 30, 0.1f, 1);
        Scripted validation = new Scripted(0.1, 0.3, 0.2, 0.25, 0.9);
        List<String> lines = new ArrayList<>();
        EStep.Outcome outcome = EStep.train(model, samples, paths, 2, new EStep.Config(5, 0, 16, 0.01f, 2, 7, 2,
                Double.POSITIVE_INFINITY, 4), lines::add, validation);
        assertEquals(4, outcome.epochs());
        assertEquals(2, outcome.bestEpoch());
        assertEquals("patience", outcome.stopReason());
        float[][] kept = model.checkpoint();
        for (int i = 0; i < kept.length; i++) {
            assertArrayEquals(validation.states.get(1)[i], kept[i], "back at epoch 2's state, array " + i);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("epoch 4/5 done") && l.contains("lr 0.0050")),
                String.join("\n", lines));
    }

    @Test
    void aTimeBudgetStopsAfterTheFirstStep() {
        TrainableLattice model = TrainableLattice.create(ARCH, 30, 0.1f, 1);
        EStep.Outcome outcome = EStep.train(model, samples, paths, 2, new EStep.Config(5, 0, 16, 0.01f, 1, 7, 3, 1e-9,
                4), line -> { }, new Scripted(0.5, 0.6));
        assertEquals(1, outcome.epochs());
        assertEquals("time budget", outcome.stopReason());
    }

    @Test
    void aBatchsGradientsDoNotDependOnTheThreadCount() {
        ItemProposal proposal = new ItemProposal(samples, 30);
        float[][][] grads = new float[3][][];
        for (int threads = 1; threads <= 3; threads++) {
            TrainableLattice model = TrainableLattice.create(ARCH, 30, 0.1f, 1);
            try (LatticeTrainer trainer = new LatticeTrainer(model, dev.arbor.nn.AdamConfig.of(0.01f), threads, 2, 4)) {
                trainer.computeGradients(samples, 0, 16, paths, proposal, 7);
                grads[threads - 1] = trainer.gradients().dense.clone();
                for (int i = 0; i < grads[threads - 1].length; i++) {
                    grads[threads - 1][i] = grads[threads - 1][i].clone();
                }
            }
        }
        for (int threads = 2; threads <= 3; threads++) {
            for (int i = 0; i < grads[0].length; i++) {
                // Each worker's sum is added in worker order: only the summation's rounding may differ.
                assertArrayEquals(grads[0][i], grads[threads - 1][i], 1e-6f, threads + " threads, tensor " + i);
            }
        }
    }

    @Test
    void aRunIsReproducibleForItsThreadCount() {
        float[][][] results = new float[2][][];
        for (int run = 0; run < 2; run++) {
            TrainableLattice model = TrainableLattice.create(ARCH, 30, 0.1f, 1);
            EStep.train(model, samples(), paths, 2, new EStep.Config(2, 0, 16, 0.01f, 2, 7, 1, Double.POSITIVE_INFINITY, 4),
                    line -> { }, null);
            results[run] = model.checkpoint();
        }
        for (int i = 0; i < results[0].length; i++) {
            assertArrayEquals(results[0][i], results[1][i], "array " + i);
        }
    }
}
