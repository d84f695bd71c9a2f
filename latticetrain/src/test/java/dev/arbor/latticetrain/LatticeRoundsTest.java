package dev.arbor.latticetrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogBuilder;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeIndex;
import dev.arbor.format.LatticeShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * EM training on a log with a plain structure: 8 groups of 8 items, each user watching items of one group only, so
 * that a user's history tells the group of the next item but nothing about which of its 8 items comes. On random paths
 * the structure loss cannot fall below about log 8 (the target's path is one of 8 equally likely); the M-step should
 * put each group's items on shared paths, after which the E-step predicts the target's path far better.
 */
class LatticeRoundsTest {
    private static final int GROUPS = 8, PER_GROUP = 8;

    private static InteractionLog groupedLog() {
        SplittableRandom r = new SplittableRandom(11);
        InteractionLogBuilder b = new InteractionLogBuilder(true);
        for (int u = 0; u < 240; u++) {
            int group = u % GROUPS;
            for (int t = 0; t < 16; t++) {
                b.add(u + 1, group * PER_GROUP + r.nextInt(PER_GROUP) + 1, t);
            }
        }
        return b.build();
    }

    private static LatticeRounds.Options options(double alpha, int rounds) {
        LatticeArchitecture arch = new LatticeArchitecture(new LatticeShape(8, 2), 8, BehaviourWindows.sizes(),
                new int[] {16}, new int[] {16});
        return new LatticeRounds.Options(arch, 1, rounds, new EStep.Config(12, 0, 32, 0.01f, 2, 3, 12,
                Double.POSITIVE_INFINITY, 8), new MStep.Config(16, alpha, 0.999, 3, 0), 3, 0.1f);
    }

    @Test
    void theMStepGroupsItemsAndTheNextEStepPredictsTheirPaths() {
        InteractionLog log = groupedLog();
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(1).withValidationUsers(8).withTestUsers(8));
        List<LatticeRounds.Round> rounds = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        LatticeRounds.run(log, split, options(0, 3), Map.of(), lines::add, null, rounds::add);
        assertEquals(3, rounds.size());
        double random = rounds.get(0).training().pathLoss(), learnt = rounds.get(2).training().pathLoss();
        assertTrue(random > 0.9 * Math.log(PER_GROUP), "on random paths the target's path is one of 8 alike, so the loss"
                + " stays near log 8 = 2.08: " + random);
        assertTrue(learnt < 0.5 * random, "on learnt paths the structure loss falls: " + learnt + " against " + random
                + "\n" + String.join("\n", lines));
        assertTrue(rounds.get(1).training().pathLoss() < random, "one M-step already helps");
        assertTrue(purity(log, rounds.get(2).index()) >= 0.5, "most of each group's items share one path after two"
                + " M-steps: " + purity(log, rounds.get(2).index()));
        assertTrue(purity(log, rounds.get(0).index()) < 0.3, "random paths do not group the items");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("dr: M-step in")), String.join("\n", lines));
    }

    @Test
    void theLargestPathShrinksAsAlphaGrows() {
        InteractionLog log = groupedLog();
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(1).withValidationUsers(8).withTestUsers(8));
        int[] largest = new int[2];
        double[] alphas = {0, 0.05};
        for (int i = 0; i < alphas.length; i++) {
            int at = i;
            LatticeRounds.run(log, split, options(alphas[i], 2), Map.of(), line -> { }, null,
                    round -> largest[at] = round.sizes().largest());
        }
        assertTrue(largest[1] < largest[0], "a penalty of 0.05 spreads the items: largest paths " + largest[0] + " and "
                + largest[1]);
    }

    @Test
    void jOutOfRangeIsRefusedByName() {
        LatticeArchitecture arch = new LatticeArchitecture(new LatticeShape(2, 2), 8, BehaviourWindows.sizes(),
                new int[] {16}, new int[] {16});
        EStep.Config training = new EStep.Config(1, 0, 32, 0.01f, 1, 3, 1, Double.POSITIVE_INFINITY, 4);
        MStep.Config m = new MStep.Config(4, 0, 1, 1, 0);
        var tooMany = assertThrows(IllegalArgumentException.class,
                () -> new LatticeRounds.Options(arch, 5, 1, training, m, 3, 0.1f));
        assertTrue(tooMany.getMessage().contains("J = 5 paths per item exceed the lattice's K^D = 2^2 = 4"),
                tooMany.getMessage());
        var none = assertThrows(IllegalArgumentException.class,
                () -> new LatticeRounds.Options(arch, 0, 1, training, m, 3, 0.1f));
        assertTrue(none.getMessage().contains("J (paths per item) must be in [1, 1024]"), none.getMessage());
    }

    /** The mean over groups of the share of its items on the group's most common first path. */
    private static double purity(InteractionLog log, LatticeIndex index) {
        double sum = 0;
        for (int g = 0; g < GROUPS; g++) {
            java.util.Map<Long, Integer> count = new java.util.HashMap<>();
            for (int item = 0; item < log.numItems(); item++) {
                if ((log.itemIds()[item] - 1) / PER_GROUP == g) {
                    count.merge(index.pathKey(item, 0), 1, Integer::sum);
                }
            }
            sum += count.values().stream().mapToInt(Integer::intValue).max().orElse(0) / (double) PER_GROUP;
        }
        return sum / GROUPS;
    }
}
