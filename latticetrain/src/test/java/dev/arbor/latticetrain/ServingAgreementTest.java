package dev.arbor.latticetrain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeShape;
import dev.arbor.lattice.LatticeModelScorer;
import dev.arbor.scorer.Kernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What training optimises is what serving scores: the training pass's losses, recomputed from the serving
 * {@link LatticeModelScorer} over the same model's arrays (its log-softmax per layer along the path, its rerank scores),
 * for histories shorter and longer than the 69 slots.
 */
class ServingAgreementTest {
    @Test
    void trainingLossesEqualTheServingScorersOwn() {
        LatticeArchitecture arch = LatticeArchitecture.defaults(new LatticeShape(10, 3));
        int items = 300;
        TrainableLattice model = TrainableLattice.create(arch, items, 0.5f, 4);
        LatticeModelScorer scorer = model.scorer(Kernels.best());
        LatticeModelScorer.User user = scorer.newUser();
        SplittableRandom r = new SplittableRandom(9);
        for (int length : new int[] {1, 7, 69, 120}) {
            int[] ordinals = r.ints(length, 0, items).toArray();
            int[] slots = BehaviourWindows.history(ordinals);
            int[] path = {r.nextInt(10), r.nextInt(10), r.nextInt(10)};
            int target = r.nextInt(items);
            int[] negatives = r.ints(20, 0, items).toArray();
            float[] logQ = new float[items];
            for (int i = 0; i < items; i++) {
                logQ[i] = (float) -Math.log(items) + (i % 3) * 0.1f;
            }
            LatticeForwardBackward pass = new LatticeForwardBackward(model, 1);
            pass.run(slots, 0, path, 1, target, negatives, negatives.length, logQ, 1f, new LatticeGradients(model));

            scorer.prepare(user, ordinals, ordinals.length);
            double logP = 0;
            float[] out = new float[10];
            for (int d = 0; d < 3; d++) {
                int[] prefix = java.util.Arrays.copyOf(path, d);
                scorer.logProbabilities(user, d, prefix, 1, out);
                logP += out[path[d]];
            }
            assertEquals(-logP, pass.pathLoss(), 1e-4 * Math.max(1, Math.abs(logP)), "path loss, history of " + length);

            int[] candidates = new int[negatives.length + 1];
            candidates[0] = target;
            System.arraycopy(negatives, 0, candidates, 1, negatives.length);
            float[] scores = new float[candidates.length];
            scorer.score(user, candidates, candidates.length, scores);
            double max = Double.NEGATIVE_INFINITY;
            double[] logits = new double[candidates.length];
            for (int m = 0; m < candidates.length; m++) {
                logits[m] = m > 0 && candidates[m] == target ? Double.NEGATIVE_INFINITY : scores[m] - logQ[candidates[m]];
                max = Math.max(max, logits[m]);
            }
            double z = 0;
            for (double l : logits) {
                z += Math.exp(l - max);
            }
            double rerankLoss = max + Math.log(z) - logits[0];
            assertEquals(rerankLoss, pass.rerankLoss(), 1e-4 * Math.max(1, rerankLoss), "rerank loss, history of "
                    + length);
        }
    }
}
