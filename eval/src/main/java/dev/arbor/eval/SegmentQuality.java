package dev.arbor.eval;

import dev.arbor.reader.LatticeSegment;
import dev.arbor.reader.TreeSegment;
import dev.arbor.dataset.HeldOutUsers;
import dev.arbor.eval.Evaluator;
import dev.arbor.eval.QualityReport;

/**
 * The quality of one served segment for held-out users: beam search and brute force under the same
 * model, and the fidelity of the beam's top-K to the brute-force top-K at the largest K. For a path lattice
 * (Deep Retrieval) the beam is the top paths' items reranked, and brute force the reranker over every item.
 */
public record SegmentQuality(QualityReport beam, QualityReport bruteForce, double fidelity, int beamWidth,
                             double beamSeconds, double bruteSeconds) {

    public static SegmentQuality measure(TreeSegment segment, HeldOutUsers users, int beam, Evaluator evaluator, int[] ks) {
        int width = Math.max(beam, ks[ks.length - 1]);
        return measure(SegmentRecommender.beam(segment, width, "beam " + width),
                SegmentRecommender.bruteForce(segment, "brute force"), width, users, evaluator, ks);
    }

    /**
     * A path lattice's quality: its top {@code beam} paths' items reranked, against the reranker's brute force. The beam
     * counts paths, not items, so unlike a tree's it is not widened to the largest K.
     */
    public static SegmentQuality measure(LatticeSegment segment, HeldOutUsers users, int beam, Evaluator evaluator,
                                         int[] ks) {
        return measure(LatticeRecommender.beam(segment, beam, "beam " + beam),
                LatticeRecommender.rerankBruteForce(segment, "rerank brute force"), beam, users, evaluator, ks);
    }

    private static SegmentQuality measure(Recommender beamSearch, Recommender brute, int width, HeldOutUsers users,
                                          Evaluator evaluator, int[] ks) {
        int maxK = ks[ks.length - 1];
        long t0 = System.nanoTime();
        QualityReport beamReport = evaluator.evaluate(beamSearch, users);
        long t1 = System.nanoTime();
        QualityReport bruteReport = evaluator.evaluate(brute, users);
        long t2 = System.nanoTime();
        double fidelity = evaluator.fidelity(beamSearch, brute, users, maxK);
        return new SegmentQuality(beamReport, bruteReport, fidelity, width, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }
}
