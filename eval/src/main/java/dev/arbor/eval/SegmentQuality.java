package dev.arbor.eval;

import dev.arbor.reader.TreeSegment;
import dev.arbor.dataset.HeldOutUsers;
import dev.arbor.eval.Evaluator;
import dev.arbor.eval.QualityReport;

/**
 * The quality of one served segment for held-out users: beam search and brute force under the same
 * model, and the fidelity of the beam's top-K to the brute-force top-K at the largest K.
 */
public record SegmentQuality(QualityReport beam, QualityReport bruteForce, double fidelity, int beamWidth,
                             double beamSeconds, double bruteSeconds) {

    public static SegmentQuality measure(TreeSegment segment, HeldOutUsers users, int beam, Evaluator evaluator, int[] ks) {
        int maxK = ks[ks.length - 1];
        int width = Math.max(beam, maxK);
        SegmentRecommender beamSearch = SegmentRecommender.beam(segment, width, "beam " + width);
        SegmentRecommender brute = SegmentRecommender.bruteForce(segment, "brute force");
        long t0 = System.nanoTime();
        QualityReport beamReport = evaluator.evaluate(beamSearch, users);
        long t1 = System.nanoTime();
        QualityReport bruteReport = evaluator.evaluate(brute, users);
        long t2 = System.nanoTime();
        double fidelity = evaluator.fidelity(beamSearch, brute, users, maxK);
        return new SegmentQuality(beamReport, bruteReport, fidelity, width, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }
}
