package dev.arbor.jobs;

import dev.arbor.dataset.HeldOutUsers;
import dev.arbor.eval.Evaluator;
import dev.arbor.eval.LatticeRecommender;
import dev.arbor.eval.Recommender;
import dev.arbor.eval.SegmentRecommender;
import dev.arbor.format.LatticeIndex;
import dev.arbor.format.TreeIndex;
import dev.arbor.latticetrain.LatticeRounds;
import dev.arbor.progress.ProgressListener;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.reader.TreeSegment;
import dev.arbor.treetrain.TdmRounds;
import dev.arbor.writer.SegmentWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Beam search's recall at K for the validation users, on each candidate index of either kind, written to a scratch
 * directory and opened as a server would; the directory is removed on {@link #close()}.
 */
final class ScratchValidation implements TdmRounds.IndexValidation, LatticeRounds.IndexValidation, AutoCloseable {
    private final HeldOutUsers users;
    private final int k, beam;
    private final Evaluator evaluator;
    private final ScratchDirectory scratch;

    ScratchValidation(HeldOutUsers users, int k, int beam, Evaluator evaluator) throws IOException {
        this.users = users;
        this.k = k;
        this.beam = beam;
        this.evaluator = evaluator.withKs(k).withProgress(ProgressListener.SILENT);
        this.scratch = new ScratchDirectory();
    }

    @Override
    public double score(TreeIndex index) {
        try {
            SegmentWriter.write(scratch.path(), index);
            try (TreeSegment segment = IndexDirectory.openLatest(scratch.path())) {
                return recall(SegmentRecommender.beam(segment, beam, "validation"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("validation index in " + scratch.path(), e);
        }
    }

    @Override
    public double score(LatticeIndex index) {
        try {
            SegmentWriter.write(scratch.path(), index);
            try (LatticeSegment segment = IndexDirectory.openLatestLattice(scratch.path())) {
                return recall(LatticeRecommender.beam(segment, beam, "validation"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("validation index in " + scratch.path(), e);
        }
    }

    private double recall(Recommender recommender) {
        return evaluator.evaluate(recommender, users).recall(k);
    }

    @Override
    public String name() {
        return "validation R@" + k;
    }

    @Override
    public void close() throws IOException {
        scratch.close();
    }
}
