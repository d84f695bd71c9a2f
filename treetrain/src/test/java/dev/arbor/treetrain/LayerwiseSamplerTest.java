package dev.arbor.treetrain;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.TreeShape;
import dev.arbor.nn.Batch;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** TDM's layer-wise sampler and the paper's shape of negatives per level. */
class LayerwiseSamplerTest {

    @Test
    void negativeScheduleFollowsThePaperShape() {
        NegativeSchedule full = NegativeSchedule.paper(23, 1.0);
        assertArrayEquals(NegativeSchedule.PAPER, full.perLevel());
        NegativeSchedule shallow = NegativeSchedule.paper(12, 0.1);
        assertEquals(0, shallow.count(0));
        assertEquals(20, shallow.count(11));
        for (int l = 1; l < 12; l++) {
            assertTrue(shallow.count(l) >= 1 && shallow.count(l) >= shallow.count(l - 1));
        }
        assertThrows(IllegalArgumentException.class, () -> NegativeSchedule.parse("1,2", 3));
    }

    @Test
    void samplerGivesOnePositivePerLevelAndNeverAPositiveAsNegative() {
        TreeShape shape = TreeShape.forItems(2, 100);
        int[] itemToLeaf = new int[100];
        for (int i = 0; i < 100; i++) {
            itemToLeaf[i] = (i * 37) % 128;
        }
        long[] freq = new long[100];
        java.util.Arrays.fill(freq, 1);
        freq[5] = 1000;
        int target = 42, targetLeaf = shape.leafNode(itemToLeaf[target]);
        for (long[] f : new long[][] {null, freq}) {
            LayerwiseSampler sampler = new LayerwiseSampler(shape, itemToLeaf, NegativeSchedule.paper(shape.levels(), 1), 1, f);
            Batch batch = new Batch(3);
            batch.addHistory(new int[] {-1, -1, -1});
            sampler.addPairs(batch, target, new SplittableRandom(1));
            assertEquals(sampler.pairsPerSample(), batch.pairCount());
            java.util.Set<Integer> positives = new java.util.HashSet<>();
            for (int p = 0; p < batch.pairCount(); p++) {
                if (batch.label(p) == 1) {
                    positives.add(batch.row(p));
                }
            }
            assertEquals(shape.levels() - 1, positives.size(), "one positive per level from the start level");
            for (int level = 1; level < shape.levels(); level++) {
                assertTrue(positives.contains(shape.ancestorAt(targetLeaf, level)));
            }
            for (int p = 0; p < batch.pairCount(); p++) {
                if (batch.label(p) == 0) {
                    assertFalse(positives.contains(batch.row(p)), "negative " + batch.row(p) + " is a positive");
                }
            }
        }
        // Frequency weighting: item 5 carries ~91% of the weight, so its leaf dominates the leaf-level negatives.
        int[] schedule = new int[shape.levels()];
        schedule[shape.leafLevel()] = 50;
        LayerwiseSampler weighted = new LayerwiseSampler(shape, itemToLeaf, new NegativeSchedule(schedule), shape.leafLevel(), freq);
        Batch batch = new Batch(1);
        batch.addHistory(new int[] {-1});
        SplittableRandom r = new SplittableRandom(3);
        for (int s = 0; s < 20; s++) {
            weighted.addPairs(batch, target, r);
        }
        int hotLeaf = shape.leafNode(itemToLeaf[5]), hits = 0, negatives = 0;
        for (int p = 0; p < batch.pairCount(); p++) {
            if (batch.label(p) == 0) {
                negatives++;
                hits += batch.row(p) == hotLeaf ? 1 : 0;
            }
        }
        assertTrue(hits > 0.8 * negatives, hits + " of " + negatives + " negatives were the frequent item");
    }
}
