package dev.arbor.jobs;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.scorer.ScoringContext;
import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogBuilder;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.eval.Evaluator;
import dev.arbor.eval.SegmentQuality;
import dev.arbor.nn.TrainableModel;
import dev.arbor.treetrain.Algorithm;
import dev.arbor.treetrain.SpareLeaves;
import dev.arbor.treetrain.TdmRounds;
import dev.arbor.treetrain.TdmTrainer;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TdmRoundsTest {
    @TempDir
    Path dir;

    /** Users who each stay inside one of 8 item clusters; a category is a cluster split in two. */
    static InteractionLog clusteredLog(int users, int items, int perUser, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        InteractionLogBuilder b = new InteractionLogBuilder(true);
        int clusters = 8, size = items / clusters;
        for (int i = 0; i < items; i++) {
            b.category(i + 1, "c" + (i / (size / 2)));
        }
        for (int u = 0; u < users; u++) {
            int c = r.nextInt(clusters);
            for (int t = 0; t < perUser; t++) {
                b.add(u + 1, c * size + r.nextInt(size) + 1, t);
            }
        }
        return b.build();
    }

    @Test
    void trainedIndexServesTheTrainedModelAndLearntTreeIsValid() throws Exception {
        InteractionLog log = clusteredLog(300, 256, 20, 5);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(3).withTestUsers(30).withValidationUsers(10));
        ModelArchitecture arch = new ModelArchitecture(ModelKind.ATTENTION_DNN, 8, BehaviourWindows.sizes(), 6, new int[] {16, 8});
        TdmRounds.Options options = new TdmRounds.Options(arch, 2, 2, new TdmTrainer.Config(2, 0, 50, 0.01f, 2, 11), 1.0,
                false, 1, false, 3);
        List<TdmRounds.Round> rounds = new ArrayList<>();
        TdmRounds.run(log, split, options, Map.of("source", "test"), System.err::println, rounds::add);
        assertEquals(2, rounds.size());
        assertEquals("category", rounds.get(0).tree());
        TreeIndex learnt = rounds.get(1).index();
        assertTrue(rounds.get(1).loss() < 0.6, "training reduced the loss: " + rounds.get(1).loss());

        // The served segment scores exactly what the trained model scores (same weights, same embeddings).
        SegmentWriter.write(dir, learnt);
        try (TreeSegment segment = IndexDirectory.openLatestVerified(dir)) {
            TrainableModel model = TrainableModel.fromWeights(learnt.model(), learnt.nodeEmbeddings());
            int[] history = new int[arch.historyLength()];
            java.util.Arrays.fill(history, -1);
            history[68] = segment.shape().leafNode(segment.leafOf(3));
            history[60] = segment.shape().leafNode(segment.leafOf(9));
            int[] nodes = {1, 2, 5, 100, segment.shape().leafNode(segment.leafOf(17))};
            float[] expected = new float[nodes.length], actual = new float[nodes.length];
            model.score(history, nodes, nodes.length, expected);
            ScoringContext ctx = segment.scorer().newUser();
            segment.scorer().prepare(ctx, history);
            segment.scorer().score(ctx, nodes, 0, nodes.length, actual, 0);
            for (int i = 0; i < nodes.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4 * Math.max(1, Math.abs(expected[i])), "node " + nodes[i]);
            }
            // Beam search over the learnt tree finds clustered users' future items far better than chance.
            SegmentQuality q = SegmentQuality.measure(segment, split.test(), 20, new Evaluator().withKs(10).withThreads(2), new int[] {10});
            assertTrue(q.bruteForce().recall(10) > 3 * 10.0 / 256, "recall@10 " + q.bruteForce().recall(10));
            assertTrue(q.fidelity() > 0.3, "fidelity " + q.fidelity());
        }
    }

    /**
     * JTM from a random first tree: after round 1 the model's own likelihood moves items (on the category tree, which
     * already groups these clusters, it moves none), every leaf holds at most one item, and the segment records the
     * algorithm.
     */
    /** Spare leaves deepen every round's tree, spread evenly, and the items added later find room beside their kin. */
    @Test
    void spareLeavesAreKeptInEveryRoundsTree() throws Exception {
        InteractionLog log = clusteredLog(300, 256, 20, 5);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(3).withTestUsers(30).withValidationUsers(10));
        ModelArchitecture arch = new ModelArchitecture(ModelKind.MLP, 8, BehaviourWindows.sizes(), 0, new int[] {8});
        TdmRounds.Options options = new TdmRounds.Options(arch, 2, 2, new TdmTrainer.Config(1, 0, 50, 0.01f, 1, 11), 1.0,
                false, 1, false, 3).withSpareLeaves(SpareLeaves.parse("0.5", "--spare-leaves"));
        List<TdmRounds.Round> rounds = new ArrayList<>();
        TdmRounds.run(log, split, options, Map.of("source", "test"), l -> { }, rounds::add);
        for (TdmRounds.Round round : rounds) {
            TreeIndex index = round.index();
            assertEquals(10, index.shape().levels(), "256 items and 128 spare leaves need 512 leaves");
            assertEquals("0.5", index.metadata().get("tree.spareLeaves"));
            // Spread evenly: 256 items on 256 pairs of sibling leaves, so every pair has one item and one spare leaf.
            int[] perParent = new int[index.shape().leafCount() / 2];
            for (int leaf : index.itemToLeaf()) {
                perParent[leaf / 2]++;
            }
            assertEquals(1, java.util.Arrays.stream(perParent).min().orElseThrow(), round.tree());
            assertEquals(1, java.util.Arrays.stream(perParent).max().orElseThrow(), round.tree());
        }
        SegmentWriter.write(dir, rounds.get(1).index());
        try (TreeSegment segment = IndexDirectory.openLatestVerified(dir)) {
            assertEquals(256, segment.shape().leafCount() - segment.itemCount());
        }
    }

    @Test
    void jtmLearnsTheTreeAgainstTheModelAndRecordsIt() {
        InteractionLog log = clusteredLog(300, 256, 20, 5);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(3).withTestUsers(30).withValidationUsers(10));
        ModelArchitecture arch = new ModelArchitecture(ModelKind.ATTENTION_DNN, 8, BehaviourWindows.sizes(), 6, new int[] {16, 8});
        TdmRounds.Options options = new TdmRounds.Options(arch, 2, 2, new TdmTrainer.Config(2, 0, 50, 0.01f, 2, 11), 1.0,
                false, 1, false, 3, 0.01f, new Algorithm.Jtm(3, 0));
        List<TdmRounds.Round> rounds = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        int[] random = new int[log.numItems()];
        java.util.Arrays.setAll(random, i -> i);
        SplittableRandom r = new SplittableRandom(2);
        for (int i = random.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = random[i];
            random[i] = random[j];
            random[j] = t;
        }
        TdmRounds.run(log, split, options, Map.of("source", "test"), lines::add, null,
                new TdmRounds.FirstTree("random", random), rounds::add);
        assertEquals("jtm (round 1)", rounds.get(1).tree());
        TreeIndex first = rounds.get(0).index(), learnt = rounds.get(1).index();
        assertEquals("jtm", learnt.metadata().get("train.algorithm"));
        assertEquals("3", learnt.metadata().get("train.jtm.gap"));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("jtm: learnt the tree")), String.join("\n", lines));
        assertFalse(java.util.Arrays.equals(first.itemToLeaf(), learnt.itemToLeaf()), String.join("\n", lines));
        boolean[] used = new boolean[learnt.shape().leafCount()];
        for (int leaf : learnt.itemToLeaf()) {
            assertFalse(used[leaf], "leaf " + leaf + " holds two items");
            used[leaf] = true;
        }

        var bad = assertThrows(IllegalArgumentException.class, () -> TdmRounds.run(log, split,
                new TdmRounds.Options(arch, 2, 2, new TdmTrainer.Config(1, 0, 50, 0.01f, 1, 11), 1.0, false, 1, false, 3,
                        0.01f, new Algorithm.Jtm(9, 0)), Map.of(), l -> { }, round -> { }));
        assertEquals("--jtm-gap 9 is deeper than the tree, which has 8 levels below the root", bad.getMessage());
    }

    /**
     * JTM's hierarchical user preference end to end: the segment records the minimum level, search reads it, and the
     * served model scores a level's nodes against the history's ancestors on that level exactly as the trained model
     * does.
     */
    @Test
    void aHierarchicalHistoryIsTrainedRecordedAndServed() throws Exception {
        InteractionLog log = clusteredLog(300, 256, 20, 5);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(3).withTestUsers(30).withValidationUsers(10));
        ModelArchitecture arch = new ModelArchitecture(ModelKind.ATTENTION_DNN, 8, BehaviourWindows.sizes(), 6, new int[] {16, 8});
        TdmRounds.Options options = new TdmRounds.Options(arch, 2, 2, new TdmTrainer.Config(2, 0, 50, 0.01f, 2, 11), 1.0,
                false, 1, false, 3, 0.01f, new Algorithm.Jtm(3, 0), 5);
        List<TdmRounds.Round> rounds = new ArrayList<>();
        TdmRounds.run(log, split, options, Map.of("source", "test"), l -> { }, rounds::add);
        TreeIndex learnt = rounds.get(1).index();
        assertEquals("5", learnt.metadata().get(dev.arbor.format.HierarchicalHistory.PROPERTY));
        SegmentWriter.write(dir, learnt);
        try (TreeSegment segment = IndexDirectory.openLatestVerified(dir)) {
            assertEquals(5, segment.hierarchy().minLevel());
            TrainableModel model = TrainableModel.fromWeights(learnt.model(), learnt.nodeEmbeddings());
            int[] leaves = new int[arch.historyLength()];
            java.util.Arrays.fill(leaves, -1);
            leaves[68] = segment.shape().leafNode(segment.leafOf(3));
            leaves[60] = segment.shape().leafNode(segment.leafOf(9));
            int[] mapped = new int[leaves.length];
            segment.hierarchy().map(leaves, 6, mapped);
            assertNotEquals(leaves[68], mapped[68]);
            int[] nodes = {segment.shape().levelStart(6), segment.shape().levelStart(6) + 7, segment.shape().levelStart(6) + 40};
            float[] expected = new float[nodes.length], actual = new float[nodes.length];
            model.score(mapped, nodes, nodes.length, expected);
            ScoringContext ctx = segment.scorer().newUser();
            segment.scorer().prepare(ctx, mapped);
            segment.scorer().score(ctx, nodes, 0, nodes.length, actual, 0);
            for (int i = 0; i < nodes.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4 * Math.max(1, Math.abs(expected[i])), "node " + nodes[i]);
            }
            SegmentQuality q = SegmentQuality.measure(segment, split.test(), 20, new Evaluator().withKs(10).withThreads(2), new int[] {10});
            assertTrue(q.bruteForce().recall(10) > 3 * 10.0 / 256, "recall@10 " + q.bruteForce().recall(10));
        }
    }
}
