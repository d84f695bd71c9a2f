package dev.arbor.treetrain;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogBuilder;
import dev.arbor.dataset.TrainingSamples;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeShape;
import dev.arbor.nn.Batch;
import dev.arbor.nn.Parallel;
import dev.arbor.nn.TrainableModel;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.scorer.LevelScorer;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTM's training pairs against the serving beam search of the same model, published as a segment: the nodes, their
 * pseudo-targets by the recursive rule, the ablations' labels, and a batch that does not depend on the thread count.
 */
class OtmSamplerTest {
    private static final ModelArchitecture ARCH = new ModelArchitecture(ModelKind.ATTENTION_DNN, 8,
            BehaviourWindows.sizes(), 6, new int[] {16, 8});
    private static final int ITEMS = 200, START = 1, BEAM = 6, LABELS = 3, SAMPLES = 40;

    @TempDir
    Path dir;

    private final TreeShape shape = TreeShape.forItems(2, ITEMS);
    private final int[] itemToLeaf = new int[ITEMS];
    private InteractionLog log;
    private TrainingSamples samples;
    private TrainableModel model;
    private LayerwiseSampler layerwise;
    private NegativeSchedule schedule;

    @BeforeEach
    void setUp() {
        SplittableRandom r = new SplittableRandom(3);
        InteractionLogBuilder b = new InteractionLogBuilder(true);
        for (int i = 0; i < ITEMS; i++) {
            b.add(0, i + 1, i); // every item occurs, so ordinals follow ids
        }
        for (int u = 1; u <= 30; u++) {
            for (int t = 0; t < 15; t++) {
                b.add(u, r.nextInt(ITEMS) + 1, t);
            }
        }
        log = b.build();
        samples = TrainingSamples.of(log, java.util.stream.IntStream.range(1, 31).toArray(), 2);
        samples.shuffle(9);
        // Items scattered over the 256 leaves, some of which stay empty.
        for (int i = 0; i < ITEMS; i++) {
            itemToLeaf[i] = (i * 151) % shape.leafCount();
        }
        model = TrainableModel.create(ARCH, shape.nodeCount(), TrainableModel.Options.defaults().withEmbeddingStd(0.5f), 4);
        schedule = NegativeSchedule.paper(shape.levels(), 0.5);
        layerwise = new LayerwiseSampler(shape, itemToLeaf, schedule, START, null);
    }

    /** Each of the first samples' pairs, one list of (row, label) per sample. */
    private List<int[][]> pairs(Algorithm.Otm otm, int threads) {
        OtmSampler sampler = new OtmSampler(otm, shape, itemToLeaf, START, layerwise);
        List<int[][]> out = new ArrayList<>();
        Batch batch = new Batch(ARCH.historyLength());
        int[] history = new int[ARCH.historyLength()];
        SplittableRandom random = new SplittableRandom(1);
        try (Parallel parallel = new Parallel(threads)) {
            sampler.beginBatch(model, samples, 0, SAMPLES, parallel);
            for (int s = 0; s < SAMPLES; s++) {
                batch.clear();
                TdmTrainer.historyNodes(samples, s, shape, itemToLeaf, history);
                batch.addHistory(history);
                sampler.addPairs(batch, samples, s, history, random);
                int[][] p = new int[2][batch.pairCount()];
                for (int i = 0; i < batch.pairCount(); i++) {
                    p[0][i] = batch.row(i);
                    p[1][i] = batch.label(i);
                }
                out.add(p);
            }
            assertTrue(sampler.pairsPerSample() > 0);
            var e = assertThrows(IllegalStateException.class, () -> sampler.addPairs(batch, samples, SAMPLES, history,
                    random));
            assertTrue(e.getMessage().contains("not in the batch [0, 40)"), e.getMessage());
        }
        return out;
    }

    private TreeSegment publish() throws Exception {
        TdmRounds.Options options = new TdmRounds.Options(ARCH, 2, 1, new TdmTrainer.Config(1, 0, 10, 0.01f, 1, 1), 1.0,
                false, START, false, 2);
        SegmentWriter.write(dir, TdmRounds.toIndex(log, shape, itemToLeaf, model, options, Map.of(), "test", 0));
        return IndexDirectory.openLatestVerified(dir);
    }

    @Test
    void beamNodesAreWhatServingSearchScoresLabelledByThePseudoTargetRule() throws Exception {
        List<int[][]> pseudo = pairs(new Algorithm.Otm(BEAM, LABELS, true, true), 1);
        List<int[][]> tdmLabels = pairs(new Algorithm.Otm(BEAM, LABELS, true, false), 1);
        int firstWide = 0;
        while (shape.levelSize(firstWide) <= BEAM) {
            firstWide++;
        }
        int positives = 0, pathNodes = 0;
        try (TreeSegment segment = publish()) {
            BeamSearcher searcher = new BeamSearcher(segment);
            SearchContext ctx = searcher.newContext();
            SearchResult result = new SearchResult(1);
            int[] history = new int[ARCH.historyLength()];
            for (int s = 0; s < SAMPLES; s++) {
                TdmTrainer.historyNodes(samples, s, shape, itemToLeaf, history);
                List<Integer> visited = new ArrayList<>(), deep = new ArrayList<>();
                int from = firstWide;
                searcher.search(ctx.historyNodes(history), 1, BEAM, START, (level, nodes, scores, count) -> {
                    for (int i = 0; i < count; i++) {
                        visited.add(nodes[i]);
                        if (level >= from) {
                            deep.add(nodes[i]);
                        }
                    }
                }, result);
                assertArrayEquals(visited.stream().mapToInt(Integer::intValue).toArray(), pseudo.get(s)[0],
                        "sample " + s + ": the training nodes are the search's");
                assertArrayEquals(pseudo.get(s)[0], tdmLabels.get(s)[0], "the labels do not change the nodes");
                searcher.search(ctx, 1, BEAM, result);
                assertEquals(ctx.scoredNodes(), deep.size(), "serving scores the same nodes below its start level");

                Set<Integer> labelLeaves = labelLeaves(s);
                Reference reference = new Reference(segment, history, labelLeaves);
                for (int i = 0; i < pseudo.get(s)[0].length; i++) {
                    int node = pseudo.get(s)[0][i];
                    assertEquals(reference.target(node), pseudo.get(s)[1][i], "sample " + s + ", node " + node);
                    boolean onPath = reference.onPath(node);
                    assertEquals(onPath ? 1 : 0, tdmLabels.get(s)[1][i], "OTM(-OptEst): node " + node);
                    positives += pseudo.get(s)[1][i];
                    pathNodes += onPath ? 1 : 0;
                }
            }
        }
        assertTrue(positives > 0 && positives < pathNodes, "the rule both keeps and drops path nodes: " + positives
                + " of " + pathNodes);
    }

    @Test
    void sampledNodesAreEachLevelsPathsThenTdmNegatives() throws Exception {
        List<int[][]> pseudo = pairs(new Algorithm.Otm(BEAM, LABELS, false, true), 1);
        List<int[][]> tdm = pairs(new Algorithm.Otm(BEAM, LABELS, false, false), 1);
        try (TreeSegment segment = publish()) {
            int[] history = new int[ARCH.historyLength()];
            for (int s = 0; s < SAMPLES; s++) {
                TdmTrainer.historyNodes(samples, s, shape, itemToLeaf, history);
                Reference reference = new Reference(segment, history, labelLeaves(s));
                for (List<int[][]> variant : List.of(pseudo, tdm)) {
                    int[] rows = variant.get(s)[0], labels = variant.get(s)[1];
                    int i = 0;
                    for (int level = shape.leafLevel(); level >= START; level--) {
                        Set<Integer> path = new HashSet<>();
                        for (int leaf : labelLeaves(s)) {
                            path.add(shape.ancestorAt(leaf, level));
                        }
                        for (int k = 0; k < path.size(); k++, i++) {
                            assertTrue(path.contains(rows[i]), "level " + level + " starts with the labels' paths");
                            int expected = variant == pseudo ? reference.target(rows[i]) : 1;
                            assertEquals(expected, labels[i], "sample " + s + ", path node " + rows[i]);
                        }
                        int nonEmpty = 0;
                        for (int node = shape.levelStart(level); node < shape.levelStart(level + 1); node++) {
                            nonEmpty += segment.nonEmpty(node) ? 1 : 0;
                        }
                        for (int k = 0; k < Math.min(schedule.count(level), nonEmpty - path.size()); k++, i++) {
                            assertFalse(path.contains(rows[i]), "a negative is on no label's path");
                            assertTrue(segment.nonEmpty(rows[i]) && rows[i] >= shape.levelStart(level)
                                    && rows[i] < shape.levelStart(level + 1), "negative " + rows[i] + " on level " + level);
                            assertEquals(0, labels[i]);
                        }
                    }
                    assertEquals(rows.length, i, "nothing else");
                }
            }
        }
    }

    @Test
    void theBatchIsTheSameForAnyThreadCount() {
        for (Algorithm.Otm otm : List.of(new Algorithm.Otm(BEAM, LABELS, true, true),
                new Algorithm.Otm(BEAM, LABELS, false, true))) {
            List<int[][]> one = pairs(otm, 1), three = pairs(otm, 3);
            for (int s = 0; s < SAMPLES; s++) {
                assertArrayEquals(one.get(s)[0], three.get(s)[0], otm + ", sample " + s);
                assertArrayEquals(one.get(s)[1], three.get(s)[1], otm + ", sample " + s);
            }
        }
    }

    private Set<Integer> labelLeaves(int sample) {
        int[] items = new int[LABELS];
        Set<Integer> leaves = new HashSet<>();
        for (int i = 0, n = samples.labels(sample, LABELS, items); i < n; i++) {
            leaves.add(shape.leafNode(itemToLeaf[items[i]]));
        }
        return leaves;
    }

    /** The pseudo-target rule as recursion, with the published segment's scorer one node at a time. */
    private static final class Reference {
        private final TreeSegment segment;
        private final LevelScorer.User user;
        private final Set<Integer> labelLeaves;
        private final float[] score = new float[1];

        Reference(TreeSegment segment, int[] history, Set<Integer> labelLeaves) {
            this.segment = segment;
            this.user = segment.scorer().newUser();
            this.labelLeaves = labelLeaves;
            segment.scorer().prepare(user, history);
        }

        int target(int node) {
            TreeShape shape = segment.shape();
            if (node >= shape.firstLeaf()) {
                return labelLeaves.contains(node) ? 1 : 0;
            }
            int best = -1;
            float bestScore = 0;
            for (int c = shape.firstChild(node); c < shape.firstChild(node) + shape.branching(); c++) {
                if (segment.nonEmpty(c)) {
                    segment.scorer().score(user, new int[] {c}, 0, 1, score, 0);
                    if (best < 0 || score[0] > bestScore) {
                        best = c;
                        bestScore = score[0];
                    }
                }
            }
            return target(best);
        }

        boolean onPath(int node) {
            TreeShape shape = segment.shape();
            int level = 0;
            while (shape.levelStart(level + 1) <= node) {
                level++;
            }
            for (int leaf : labelLeaves) {
                if (shape.ancestorAt(leaf, level) == node) {
                    return true;
                }
            }
            return false;
        }
    }
}
