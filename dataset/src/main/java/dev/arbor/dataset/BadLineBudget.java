package dev.arbor.dataset;

import dev.arbor.progress.ProgressListener;
import java.util.ArrayList;
import java.util.List;

/** Counts the malformed lines of one read (across all its files) against {@link ReadOptions#maxBadLines()}. */
final class BadLineBudget {

    /** How many skipped lines the summary lists one by one. */
    private static final int LISTED = 10;

    private final int max;
    private final List<BadLine> skipped = new ArrayList<>();

    BadLineBudget(int max) {
        this.max = max;
    }

    /** Records {@code e} as skipped, or throws it when the budget is spent. */
    void skip(DataFormatException e) throws DataFormatException {
        if (skipped.size() < max) {
            skipped.add(e.badLine());
            return;
        }
        if (max == 0) {
            throw e;
        }
        // Keep the path:line: prefix intact so the failing line is still the first thing the user sees.
        DataFormatException over = new DataFormatException(e.path(), e.line(),
                e.reason() + " (more than maxBadLines=" + max + " bad lines)");
        over.initCause(e);
        throw over;
    }

    /** The skipped lines, after a summary of them to {@code progress} (nothing when there are none). */
    List<BadLine> finish(ProgressListener progress) {
        if (!skipped.isEmpty()) {
            StringBuilder sb = new StringBuilder("skipped ").append(skipped.size())
                    .append(skipped.size() == 1 ? " malformed line" : " malformed lines")
                    .append(" (maxBadLines=").append(max).append("):");
            for (BadLine b : skipped.subList(0, Math.min(LISTED, skipped.size()))) {
                sb.append(System.lineSeparator()).append("  ").append(b);
            }
            if (skipped.size() > LISTED) {
                sb.append(System.lineSeparator()).append("  ... and ").append(skipped.size() - LISTED).append(" more");
            }
            progress.message(sb.toString());
        }
        return List.copyOf(skipped);
    }
}
