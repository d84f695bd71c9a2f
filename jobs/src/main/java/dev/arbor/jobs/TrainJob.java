package dev.arbor.jobs;

import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.dataset.DataFormat;
import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.ReadOptions;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.eval.Evaluator;
import dev.arbor.eval.SegmentQuality;
import dev.arbor.eval.TwoTower;
import dev.arbor.eval.TwoTowerOptions;
import dev.arbor.format.TreeShape;
import dev.arbor.treebuild.BalancedKMeansTree;
import dev.arbor.progress.ProgressListener;
import dev.arbor.treetrain.TdmRounds;
import dev.arbor.writer.SegmentWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code arbor train}: read a log, split users, run TDM's rounds, publish each round's index as a new
 * commit of {@code out}, and optionally measure each round on the test users. The split parameters go
 * into the segment's properties so {@code arbor eval} can rebuild the same split. With {@code validationK} above 0
 * each round trains to convergence on beam search's recall at that K for the validation users (never the test
 * users), each epoch's model written to a scratch directory and searched as it would be served. With
 * {@code tuneSeconds} above 0, a {@link HyperparameterSearch} on the validation users picks the learning rate, the
 * negatives' scale and the embeddings' initial std first.
 */
public record TrainJob(Path data, DataFormat format, ReadOptions read, SplitOptions split, TdmRounds.Options pipeline,
                       Path out, int evalBeam, int[] ks, int validationK, FirstTree firstTree, double tuneSeconds) {

    public TrainJob {
        if (tuneSeconds != 0) {
            HyperparameterSearch.checkBudget(tuneSeconds);
            if (validationK < 1) {
                throw new IllegalArgumentException("tuning needs a validation recall to compare trials on (validationK >= 1)");
            }
        }
    }

    /** Where the first round's tree comes from. */
    public enum FirstTree {
        /** TDM's start: items grouped by category. */
        CATEGORY,
        /** Balanced k-means over the item vectors of the two-tower baseline, trained on the same training users. */
        TWO_TOWER
    }

    /** Beam width of the validation searches when the job does not evaluate its rounds ({@code evalBeam} 0). */
    static final int VALIDATION_BEAM = 200;

    /** One published round and, when evaluated, its quality. */
    public record RoundResult(TdmRounds.Round round, Path segment, SegmentQuality quality) {
    }

    /** What a run produced: the data and split it used, and every round. */
    public record Outcome(InteractionLog log, DataSplit split, List<RoundResult> rounds) {
        public RoundResult last() {
            return rounds.get(rounds.size() - 1);
        }
    }

    /** Property keys that record where a segment came from. */
    public static final String SOURCE_PATH = "source.path", SOURCE_FORMAT = "source.format", SPLIT_SEED = "split.seed",
            SPLIT_VALIDATION = "split.validationUsers", SPLIT_TEST = "split.testUsers", MIN_HISTORY = "split.minHistory";

    /**
     * Runs the job; {@code evalBeam} 0 skips evaluation. What each stage does (reading, training, publishing,
     * evaluating) goes to {@code progress}.
     */
    public Outcome run(ProgressListener progress) throws IOException {
        TrainingData input = TrainingData.read(data, format, read, split, pipeline.minHistory(), progress);
        InteractionLog interactions = input.log();
        DataSplit dataSplit = input.split();
        Map<String, String> source = input.source();
        source.put("model.kind", pipeline.architecture().kind().name());
        source.put("tree.branching", Integer.toString(pipeline.branching()));
        List<RoundResult> results = new ArrayList<>();
        Evaluator evaluator = new Evaluator().withKs(ks).withThreads(pipeline.training().threads())
                .withProgress(progress);
        if (validationK > 0 && dataSplit.validation().size() == 0) {
            progress.message("train: no validation users, so each round runs its full epochs instead of to convergence");
        }
        ScratchValidation validation = validationK > 0 && dataSplit.validation().size() > 0 ? new ScratchValidation(dataSplit.validation(), validationK,
                Math.max(validationK, evalBeam > 0 ? evalBeam : VALIDATION_BEAM), evaluator) : null;
        TdmRounds.FirstTree first = firstTree == FirstTree.TWO_TOWER ? twoTowerTree(interactions, dataSplit, progress) : null;
        try {
            TdmRounds.Options options = pipeline;
            if (tuneSeconds > 0) {
                if (validation == null) {
                    throw new IllegalArgumentException("tuning needs validation users, and this split has none");
                }
                options = HyperparameterSearch.search(interactions, dataSplit, pipeline, validation, first, tuneSeconds,
                        progress).best();
            }
            runRounds(interactions, dataSplit, options, source, validation, first, results, progress, evaluator);
        } finally {
            if (validation != null) {
                validation.close();
            }
        }
        return new Outcome(interactions, dataSplit, results);
    }

    /** The first tree from the two-tower baseline's item vectors, clustered as a learnt tree is. */
    private TdmRounds.FirstTree twoTowerTree(InteractionLog log, DataSplit dataSplit, ProgressListener progress) {
        long t = System.nanoTime();
        TwoTower tower = TwoTower.train(dataSplit, TwoTowerOptions.DEFAULTS.withSeed(pipeline.training().seed()), progress);
        float[] vectors = new float[log.numItems() * tower.dim()];
        for (int item = 0; item < log.numItems(); item++) {
            System.arraycopy(tower.itemVector(item), 0, vectors, item * tower.dim(), tower.dim());
        }
        TreeShape shape = pipeline.treeShape(log.numItems());
        int[] itemToLeaf = BalancedKMeansTree.build(shape, vectors, tower.dim(),
                BalancedKMeansTree.Config.defaults(pipeline.training().seed()), progress);
        progress.message(String.format(Locale.ROOT, "tdm: first tree from the two-tower's item vectors in %.1f s",
                (System.nanoTime() - t) / 1e9));
        return new TdmRounds.FirstTree("two-tower", itemToLeaf);
    }

    private void runRounds(InteractionLog interactions, DataSplit dataSplit, TdmRounds.Options options,
                           Map<String, String> source, ScratchValidation validation, TdmRounds.FirstTree first,
                           List<RoundResult> results, ProgressListener progress, Evaluator evaluator) {
        TdmRounds.run(interactions, dataSplit, options, source, progress, validation, first, round -> {
            try {
                Path segment = SegmentWriter.write(out, round.index());
                progress.message(String.format(Locale.ROOT, "published %s (%s tree, trained in %.1f s)", segment,
                        round.tree(), round.seconds()));
                SegmentQuality quality = null;
                if (evalBeam > 0) {
                    try (TreeSegment opened = IndexDirectory.openLatest(out)) {
                        quality = SegmentQuality.measure(opened, dataSplit.test(), evalBeam, evaluator, ks);
                    }
                }
                results.add(new RoundResult(round, segment, quality));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
