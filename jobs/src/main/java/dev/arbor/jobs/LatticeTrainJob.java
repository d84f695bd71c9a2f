package dev.arbor.jobs;

import dev.arbor.dataset.DataFormat;
import dev.arbor.dataset.HeldOutUsers;
import dev.arbor.dataset.ReadOptions;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.eval.Evaluator;
import dev.arbor.eval.LatticeRecommender;
import dev.arbor.eval.SegmentQuality;
import dev.arbor.latticetrain.LatticeRounds;
import dev.arbor.progress.ProgressListener;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.writer.SegmentWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code arbor train --algorithm dr}: read a log, split users, run Deep Retrieval's EM rounds, publish each round's
 * path lattice as a new commit of {@code out}, and optionally measure each round on the test users: the top
 * {@code evalBeam} paths' items reranked, against the reranker's brute force over every item. With
 * {@code validationK} above 0 each E-step trains to convergence on the validation users' recall at that K, each epoch's
 * index published to a scratch directory and searched as it would be served.
 */
public record LatticeTrainJob(Path data, DataFormat format, ReadOptions read, SplitOptions split,
                              LatticeRounds.Options pipeline, Path out, int evalBeam, int[] ks, int validationK) {

    /**
     * One published round and, when evaluated, its quality and the mean number of items its beam handed the reranker
     * per test user (NaN when not evaluated).
     */
    public record RoundResult(LatticeRounds.Round round, Path segment, SegmentQuality quality, double meanCandidates) {
    }

    /** What a run produced: the data and split it used, and every round. */
    public record Outcome(dev.arbor.dataset.InteractionLog log, dev.arbor.dataset.DataSplit split,
                          List<RoundResult> rounds) {
    }

    public Outcome run(ProgressListener progress) throws IOException {
        TrainingData input = TrainingData.read(data, format, read, split, pipeline.minHistory(), progress);
        Evaluator evaluator = new Evaluator().withKs(ks).withThreads(pipeline.training().threads())
                .withProgress(progress);
        HeldOutUsers validationUsers = input.split().validation();
        if (validationK > 0 && validationUsers.size() == 0) {
            progress.message("train: no validation users, so each E-step runs its full epochs instead of to convergence");
        }
        List<RoundResult> results = new ArrayList<>();
        try (ScratchValidation validation = validationK > 0 && validationUsers.size() > 0 ? new ScratchValidation(validationUsers,
                validationK, Math.max(validationK, evalBeam > 0 ? evalBeam : TrainJob.VALIDATION_BEAM), evaluator)
                : null) {
            LatticeRounds.run(input.log(), input.split(), pipeline, input.source(), progress, validation, round -> {
                try {
                    Path segment = SegmentWriter.write(out, round.index());
                    progress.message(String.format(Locale.ROOT, "published %s (trained in %.1f s)", segment,
                            round.seconds()));
                    SegmentQuality quality = null;
                    double candidates = Double.NaN;
                    if (evalBeam > 0) {
                        try (LatticeSegment opened = IndexDirectory.openLatestLattice(out)) {
                            quality = SegmentQuality.measure(opened, input.split().test(), evalBeam, evaluator, ks);
                            candidates = LatticeRecommender.meanCandidates(opened, input.split().test(), evalBeam);
                        }
                    }
                    results.add(new RoundResult(round, segment, quality, candidates));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return new Outcome(input.log(), input.split(), results);
    }
}
