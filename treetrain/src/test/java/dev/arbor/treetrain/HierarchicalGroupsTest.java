package dev.arbor.treetrain;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.HierarchicalHistory;
import dev.arbor.format.TreeShape;
import dev.arbor.nn.Batch;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A sample's pairs regrouped by the history level their nodes read. */
class HierarchicalGroupsTest {

    @Test
    void oneGroupPerHistoryLevelWithTheHistoryMappedToIt() {
        TreeShape shape = TreeShape.forItems(2, 64); // levels 0..6
        int[] itemToLeaf = new int[64];
        java.util.Arrays.setAll(itemToLeaf, i -> i);
        HierarchicalHistory hierarchy = new HierarchicalHistory(shape, 4);
        int[] history = {shape.leafNode(5), -1, shape.leafNode(40)};
        // A sampler that adds, for target item t, the ancestors of t's leaf from the leaves up to level 1, like TDM's.
        PairSampler ancestors = new PairSampler() {
            @Override
            public void addPairs(Batch batch, dev.arbor.dataset.TrainingSamples samples, int sample, int[] historyNodes,
                                 SplittableRandom random) {
                for (int level = shape.leafLevel(); level >= 1; level--) {
                    batch.addCandidate(shape.ancestorAt(shape.leafNode(17), level), 1);
                    batch.addCandidate(shape.levelStart(level), 0);
                }
            }

            @Override
            public int pairsPerSample() {
                return 12;
            }
        };
        Batch batch = new Batch(3);
        new HierarchicalGroups(hierarchy).addSample(batch, ancestors, null, 0, history, new SplittableRandom(1));
        assertEquals(12, batch.pairCount());
        // Levels 6 and 5 read their own; levels 4..1 all read level 4: three groups.
        assertEquals(3, batch.groupCount());
        Batch expected = new Batch(3);
        int[] mapped = new int[3];
        for (int level = shape.leafLevel(); level >= 1; level--) {
            int reads = Math.max(level, 4);
            if (level >= 4) {
                hierarchy.map(history, reads, mapped);
                expected.addHistory(mapped);
            }
            expected.addCandidate(shape.ancestorAt(shape.leafNode(17), level), 1);
            expected.addCandidate(shape.levelStart(level), 0);
        }
        assertEquals(expected.groupCount(), batch.groupCount());
        for (int q = 0; q < 12; q++) {
            assertEquals(expected.row(q), batch.row(q));
            assertEquals(expected.label(q), batch.label(q));
        }
        int[] want = new int[3], got = new int[3];
        for (int g = 0; g < 3; g++) {
            expected.history(g, want);
            batch.history(g, got);
            assertArrayEquals(want, got, "group " + g);
        }
        batch.history(2, got);
        assertEquals(shape.ancestorAt(shape.leafNode(40), 4), got[2], "levels 4..1 read level 4");
    }
}
