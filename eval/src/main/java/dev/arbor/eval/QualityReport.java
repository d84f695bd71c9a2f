package dev.arbor.eval;

import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import java.util.Arrays;
import java.util.Locale;

/**
 * Precision, recall and F-measure at several K, as in the TDM paper (section 5.1). For a user with recommended list
 * {@code P} (the first K of a ranked list) and ground truth {@code G}: {@code Precision@K = |P ∩ G| / K},
 * {@code Recall@K = |P ∩ G| / |G|} and {@code F@K = 2PR / (P + R)}, each computed per user and averaged over users,
 * plus the global recall {@code Σ|P ∩ G| / Σ|G|}, which weighs users by the size of their truth.
 *
 * <p>Precision divides by K even when a recommender returns fewer than K items: a short list is a weaker
 * recommendation, not a more precise one. A user whose ground truth is empty has no defined recall and is left out of
 * every average (and counted in {@link #skippedUsers()}). Duplicate items in a list count once.
 *
 * <p>Not thread-safe: give each thread its own report and {@link #merge} them. Merging in a fixed order gives the
 * same figures on every run, whatever the thread count.
 */
public final class QualityReport {

    private final int[] ks;
    private final long[] hits;
    private final double[] precisionSum;
    private final double[] recallSum;
    private final double[] fSum;
    private long users;
    private long skippedUsers;
    private long truthTotal;

    /** A report at the cut-offs {@code ks} (positive, reported in ascending order). */
    public QualityReport(int... ks) {
        if (ks.length == 0) {
            throw new IllegalArgumentException("give at least one K");
        }
        this.ks = ks.clone();
        Arrays.sort(this.ks);
        if (this.ks[0] < 1) {
            throw new IllegalArgumentException("K must be >= 1, got " + this.ks[0]);
        }
        for (int i = 1; i < this.ks.length; i++) {
            if (this.ks[i] == this.ks[i - 1]) {
                throw new IllegalArgumentException("K " + this.ks[i] + " given twice");
            }
        }
        hits = new long[ks.length];
        precisionSum = new double[ks.length];
        recallSum = new double[ks.length];
        fSum = new double[ks.length];
    }

    /** Adds one user: {@code ranked} is the recommendation, best first (only its first {@code max K} count). */
    public void add(int[] ranked, int[] truth) {
        IntOpenHashSet remaining = new IntOpenHashSet(truth);
        int truthSize = remaining.size();
        if (truthSize == 0) {
            skippedUsers++;
            return;
        }
        users++;
        truthTotal += truthSize;
        int found = 0;
        int next = 0;
        for (int i = 0; i < ks.length; i++) {
            for (int end = Math.min(ks[i], ranked.length); next < end; next++) {
                if (remaining.remove(ranked[next])) {
                    found++;
                }
            }
            double precision = (double) found / ks[i];
            double recall = (double) found / truthSize;
            hits[i] += found;
            precisionSum[i] += precision;
            recallSum[i] += recall;
            fSum[i] += Metrics.fMeasure(precision, recall);
        }
    }

    /** Adds {@code other}'s users to this report; both must have the same cut-offs. */
    public void merge(QualityReport other) {
        if (!Arrays.equals(ks, other.ks)) {
            throw new IllegalArgumentException("cannot merge reports at K " + Arrays.toString(other.ks) + " into "
                    + Arrays.toString(ks));
        }
        for (int i = 0; i < ks.length; i++) {
            hits[i] += other.hits[i];
            precisionSum[i] += other.precisionSum[i];
            recallSum[i] += other.recallSum[i];
            fSum[i] += other.fSum[i];
        }
        users += other.users;
        skippedUsers += other.skippedUsers;
        truthTotal += other.truthTotal;
    }

    /** The cut-offs, ascending (a copy). */
    public int[] ks() {
        return ks.clone();
    }

    /** Number of users in the averages. */
    public long users() {
        return users;
    }

    /** Number of users left out because their ground truth was empty. */
    public long skippedUsers() {
        return skippedUsers;
    }

    /** Precision@{@code k} averaged over users (0 with no users). */
    public double precision(int k) {
        return mean(precisionSum[index(k)]);
    }

    /** Recall@{@code k} averaged over users. */
    public double recall(int k) {
        return mean(recallSum[index(k)]);
    }

    /** F@{@code k} averaged over users (the mean of per-user F, not F of the means). */
    public double fMeasure(int k) {
        return mean(fSum[index(k)]);
    }

    /** Global recall@{@code k}: all users' hits over all users' truth items. */
    public double globalRecall(int k) {
        return truthTotal == 0 ? 0 : (double) hits[index(k)] / truthTotal;
    }

    private double mean(double sum) {
        return users == 0 ? 0 : sum / users;
    }

    private int index(int k) {
        int i = Arrays.binarySearch(ks, k);
        if (i < 0) {
            throw new IllegalArgumentException("K " + k + " is not one of " + Arrays.toString(ks));
        }
        return i;
    }

    /** A Markdown table header: the {@code leading} columns, then P, R, F and global R at each K. */
    public String tableHeader(String... leading) {
        StringBuilder header = new StringBuilder("|");
        StringBuilder rule = new StringBuilder("|");
        for (String column : leading) {
            header.append(' ').append(column).append(" |");
            rule.append("---|");
        }
        for (int k : ks) {
            for (String metric : new String[] {"P", "R", "F", "gR"}) {
                header.append(' ').append(metric).append('@').append(k).append(" |");
                rule.append("--:|");
            }
        }
        return header + "\n" + rule;
    }

    /** A Markdown table row matching {@link #tableHeader}: the {@code leading} cells, then the metrics in percent. */
    public String tableRow(String... leading) {
        StringBuilder row = new StringBuilder("|");
        for (String cell : leading) {
            row.append(' ').append(cell).append(" |");
        }
        for (int k : ks) {
            for (double value : new double[] {precision(k), recall(k), fMeasure(k), globalRecall(k)}) {
                row.append(String.format(Locale.ROOT, " %.2f%% |", 100 * value));
            }
        }
        return row.toString();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("QualityReport[" + users + " users");
        for (int k : ks) {
            s.append(String.format(Locale.ROOT, ", @%d P=%.4f R=%.4f F=%.4f gR=%.4f", k, precision(k), recall(k),
                    fMeasure(k), globalRecall(k)));
        }
        return s.append(']').toString();
    }
}
