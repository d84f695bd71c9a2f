package dev.arbor.jobs;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.eval.Evaluator;
import dev.arbor.eval.SegmentQuality;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.nn.Loss;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.treetrain.Algorithm;
import dev.arbor.treetrain.TdmRounds;
import dev.arbor.treetrain.TdmTrainer;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OTM end to end: rounds that train on beam search's nodes, publish, and serve. */
class OtmRoundsTest {
    private static final ModelArchitecture ARCH = new ModelArchitecture(ModelKind.ATTENTION_DNN, 8,
            BehaviourWindows.sizes(), 6, new int[] {16, 8});

    @TempDir
    Path dir;

    /** With one warm-up round, round 1 trains on TDM's 288 pairs per sample and round 2 on the beam's 110. */
    @Test
    void aWarmUpRoundTrainsTdmsWayFirst() {
        InteractionLog log = TdmRoundsTest.clusteredLog(300, 256, 20, 5);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(3).withTestUsers(30).withValidationUsers(10));
        TdmRounds.Options options = new TdmRounds.Options(ARCH, 2, 2, new TdmTrainer.Config(1, 0, 50, 0.01f, 2, 11), 1.0,
                false, 1, false, 3, 0.01f, new Algorithm.Otm(10, 2, true, true, 1));
        List<TdmRounds.Round> rounds = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        TdmRounds.run(log, split, options, Map.of("source", "test"), lines::add, rounds::add);
        List<String> done = lines.stream().filter(l -> l.contains("epoch 1/1 done")).toList();
        assertEquals(2, done.size(), String.join("\n", lines));
        assertTrue(done.get(0).contains("samples x 288 pairs") && done.get(1).contains("samples x 110 pairs"),
                String.join("\n", done));
        assertEquals("1", rounds.get(1).index().metadata().get("train.otm.warmUpRounds"));
    }

    @Test
    void otmTrainsOnTheBeamAndPublishesAnIndexThatServes() throws Exception {
        InteractionLog log = TdmRoundsTest.clusteredLog(300, 256, 20, 5);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(3).withTestUsers(30).withValidationUsers(10));
        TdmRounds.Options options = new TdmRounds.Options(ARCH, 2, 2, new TdmTrainer.Config(2, 0, 50, 0.01f, 2, 11), 1.0,
                false, 1, false, 3, 0.01f, new Algorithm.Otm(10, 2, true, true));
        List<TdmRounds.Round> rounds = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        TdmRounds.run(log, split, options, Map.of("source", "test"), lines::add, rounds::add);
        assertEquals(2, rounds.size());
        TreeIndex learnt = rounds.get(1).index();
        assertEquals("otm", learnt.metadata().get("train.algorithm"));
        assertEquals("10", learnt.metadata().get("train.otm.beam"));
        assertEquals("2", learnt.metadata().get("train.otm.labels"));
        assertEquals("beam", learnt.metadata().get("train.otm.nodes"));
        assertEquals("pseudo", learnt.metadata().get("train.otm.targets"));
        // The beam's nodes: levels 1-4 whole (2 + 4 + 8 + 16; 256 items fill the tree) and a beam of 10's 20
        // children on each of the 4 levels below. TDM's samples here have 288.
        assertTrue(lines.stream().anyMatch(l -> l.contains("epoch 2/2 done") && l.contains("samples x 110 pairs")),
                String.join("\n", lines));
        for (TdmRounds.Round round : rounds) {
            assertTrue(round.loss() < 0.5, "training reduced the loss from log 2 = 0.69: " + round.loss());
        }

        SegmentWriter.write(dir, learnt);
        try (TreeSegment segment = IndexDirectory.openLatestVerified(dir)) {
            SegmentQuality q = SegmentQuality.measure(segment, split.test(), 20, new Evaluator().withKs(10).withThreads(2),
                    new int[] {10});
            assertTrue(q.beam().recall(10) > 3 * 10.0 / 256, "beam recall@10 " + q.beam().recall(10));
        }
    }

    @Test
    void otmRefusesTheSampledSoftmax() {
        InteractionLog log = TdmRoundsTest.clusteredLog(40, 64, 10, 5);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(3).withTestUsers(4).withValidationUsers(0));
        TdmRounds.Options options = new TdmRounds.Options(ARCH, 2, 1, new TdmTrainer.Config(1, 0, 50, 0.01f, 1, 11, 1,
                Double.POSITIVE_INFINITY, 0f, Loss.SAMPLED_SOFTMAX), 1.0, false, 1, false, 3, 0.01f,
                new Algorithm.Otm(10, 1, true, true));
        var e = assertThrows(IllegalArgumentException.class, () -> TdmRounds.run(log, split, options, Map.of(), l -> {
        }, r -> {
        }));
        assertTrue(e.getMessage().startsWith("--loss softmax does not fit --algorithm otm"), e.getMessage());
    }
}
