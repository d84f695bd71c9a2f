package dev.arbor.nn;

import java.util.Arrays;

/**
 * A mini-batch of labelled (history, candidate) pairs, stored as groups: one history followed by the
 * candidates scored against it. Grouping lets the model compute the history-only parts once per group
 * (TDM scores a positive and several negatives per tree level for each user history). A single pair is
 * a group with one candidate. Reusable: {@link #clear()} keeps the storage.
 */
public final class Batch {

    private final int historyLength;
    private int[] histories;
    private int[] groupStart = new int[17];
    private int groups;
    private int[] rows = new int[64];
    private int[] labels = new int[64];
    private int pairs;

    /** A batch for histories of {@code historyLength} slots ({@code ModelArchitecture.historyLength()}). */
    public Batch(int historyLength) {
        if (historyLength < 1) {
            throw new IllegalArgumentException("historyLength must be positive");
        }
        this.historyLength = historyLength;
        this.histories = new int[16 * historyLength];
    }

    public void clear() {
        groups = 0;
        pairs = 0;
    }

    /**
     * Starts a group: copies {@code history} (embedding rows, oldest slot first, -1 for an empty slot);
     * the candidates added next are scored against it.
     */
    public void addHistory(int[] history) {
        if (history.length != historyLength) {
            throw new IllegalArgumentException("history must have " + historyLength + " slots, got " + history.length);
        }
        for (int row : history) {
            if (row < -1) {
                throw new IllegalArgumentException("history slot holds " + row + "; use -1 for an empty slot");
            }
        }
        if (groups == groupStart.length - 1) {
            groupStart = Arrays.copyOf(groupStart, groupStart.length * 2);
        }
        if ((groups + 1) * historyLength > histories.length) {
            histories = Arrays.copyOf(histories, histories.length * 2);
        }
        System.arraycopy(history, 0, histories, groups * historyLength, historyLength);
        groupStart[groups] = pairs;
        groups++;
        groupStart[groups] = pairs;
    }

    /** Adds a candidate embedding row with label 0 or 1 to the current group. */
    public void addCandidate(int row, int label) {
        if (groups == 0) {
            throw new IllegalStateException("addHistory must come before addCandidate");
        }
        if (label != 0 && label != 1) {
            throw new IllegalArgumentException("label must be 0 or 1, got " + label);
        }
        if (pairs == rows.length) {
            rows = Arrays.copyOf(rows, pairs * 2);
            labels = Arrays.copyOf(labels, pairs * 2);
        }
        rows[pairs] = row;
        labels[pairs] = label;
        pairs++;
        groupStart[groups] = pairs;
    }

    public int historyLength() {
        return historyLength;
    }

    public int groupCount() {
        return groups;
    }

    public int pairCount() {
        return pairs;
    }

    /** Candidate row of pair {@code pair}. */
    public int row(int pair) {
        return rows[java.util.Objects.checkIndex(pair, pairs)];
    }

    /** Label of pair {@code pair}. */
    public int label(int pair) {
        return labels[java.util.Objects.checkIndex(pair, pairs)];
    }

    /** Copies group {@code g}'s history into {@code out}. */
    public void history(int g, int[] out) {
        System.arraycopy(histories, java.util.Objects.checkIndex(g, groups) * historyLength, out, 0, historyLength);
    }

    /** Histories, {@link #historyLength()} slots per group. */
    int[] histories() {
        return histories;
    }

    /** Pair index of group {@code g}'s first candidate; {@code g == groupCount()} gives the pair count. */
    int groupStart(int g) {
        return groupStart[g];
    }

    int[] rows() {
        return rows;
    }

    int[] labels() {
        return labels;
    }
}
