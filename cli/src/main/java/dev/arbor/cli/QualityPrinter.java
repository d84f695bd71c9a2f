package dev.arbor.cli;

import dev.arbor.eval.QualityReport;
import dev.arbor.eval.SegmentQuality;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints quality tables in one Markdown layout for every command. */
final class QualityPrinter {
    private final PrintWriter out;
    private final int[] ks;
    private boolean headerPrinted;

    QualityPrinter(PrintWriter out, int[] ks) {
        this.out = out;
        this.ks = ks;
    }

    void row(String model, String fidelity, String seconds, QualityReport report) {
        if (!headerPrinted) {
            out.println(new QualityReport(ks).tableHeader("model", "fidelity", "time"));
            headerPrinted = true;
        }
        out.println(report.tableRow(model, fidelity, seconds));
        out.flush();
    }

    void segment(String label, SegmentQuality q, double trainSeconds) {
        segment(label, "brute force", q, trainSeconds);
    }

    /** As above, naming the exhaustive row: a path lattice's is its reranker over every item. */
    void segment(String label, String bruteForce, SegmentQuality q, double trainSeconds) {
        row(label + ", " + bruteForce, "", trainSeconds > 0 ? String.format(Locale.ROOT, "train %.0f s", trainSeconds) : "",
                q.bruteForce());
        row(label + ", beam " + q.beamWidth(), String.format(Locale.ROOT, "%.1f%%", 100 * q.fidelity()),
                String.format(Locale.ROOT, "eval %.1f s", q.beamSeconds()), q.beam());
    }
}
