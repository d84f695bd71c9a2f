package dev.arbor.dataset;

import dev.arbor.format.BehaviourWindows;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.Arrays;
import java.util.Random;

/**
 * The TDM paper's training samples: a sliding window over each training user's sequence. Position {@code t} of a
 * sequence gives one sample with target {@code seq[t]} and, as input, the up-to-69 behaviours before it arranged by
 * {@link BehaviourWindows}. Targets with fewer than {@code minHistory} earlier behaviours are skipped.
 *
 * <p>Samples are not materialised: each is one int, its target's position in the log's sequence array, and its
 * 69-slot input is cut out of the log on demand. This keeps a 100-million-sample epoch at 400 MB instead of 28 GB.
 * Sample order is user by user, oldest target first, until {@link #shuffle(long)}.
 */
public final class TrainingSamples {

    /** A default minimum history: a sample with fewer earlier behaviours teaches the model little. */
    public static final int DEFAULT_MIN_HISTORY = 4;

    private final InteractionLog log;
    private final int[] positions;

    private TrainingSamples(InteractionLog log, int[] positions) {
        this.log = log;
        this.positions = positions;
    }

    /**
     * The samples of {@code users} (user ordinals of {@code log}) whose targets have at least {@code minHistory}
     * earlier behaviours.
     */
    public static TrainingSamples of(InteractionLog log, int[] users, int minHistory) {
        if (minHistory < 1) {
            throw new IllegalArgumentException("minHistory must be >= 1, got " + minHistory);
        }
        int[] offsets = log.userOffsets();
        IntArrayList positions = new IntArrayList();
        for (int u : users) {
            for (int p = offsets[u] + minHistory; p < offsets[u + 1]; p++) {
                positions.add(p);
            }
        }
        return new TrainingSamples(log, positions.toIntArray());
    }

    /** Number of samples. */
    public int size() {
        return positions.length;
    }

    /** Puts the samples in a random order given by {@code seed} (e.g. the run seed plus the epoch). */
    public void shuffle(long seed) {
        DataSplit.shuffle(positions, new Random(seed));
    }

    /** The user ordinal of sample {@code sample}. */
    public int user(int sample) {
        return userOf(positions[sample]);
    }

    /** The target item ordinal of sample {@code sample}. */
    public int target(int sample) {
        return log.sequenceItems()[positions[sample]];
    }

    /**
     * Writes sample {@code sample}'s label set into {@code out}: its target, then the items its user met next, at most
     * {@code max} in all (fewer at the end of the sequence). An item met twice is written twice. Returns the count.
     */
    public int labels(int sample, int max, int[] out) {
        if (max < 1 || out.length < max) {
            throw new IllegalArgumentException("labels: max must be in [1, " + out.length + "] (the array's length), got "
                    + max);
        }
        int p = positions[sample];
        int n = Math.min(max, log.userOffsets()[userOf(p) + 1] - p);
        System.arraycopy(log.sequenceItems(), p, out, 0, n);
        return n;
    }

    /** Writes the 69-slot input of sample {@code sample} into {@code out[offset, offset + 69)}. */
    public void history(int sample, int[] out, int offset) {
        int p = positions[sample];
        int start = Math.max(log.userOffsets()[userOf(p)], p - BehaviourWindows.SLOTS);
        BehaviourWindows.history(log.sequenceItems(), start, p, out, offset);
    }

    /**
     * Writes samples {@code from .. from + count} into reusable buffers: {@code history} gets 69 slots per sample
     * and {@code targets} one item each, both from index 0.
     */
    public void fill(int from, int count, int[] history, int[] targets) {
        for (int s = 0; s < count; s++) {
            history(from + s, history, s * BehaviourWindows.SLOTS);
            targets[s] = target(from + s);
        }
    }

    /** Samples {@code from .. from + count} as a new batch; the last batch of an epoch may ask for fewer. */
    public SampleBatch batch(int from, int count) {
        int n = Math.min(count, positions.length - from);
        SampleBatch batch = new SampleBatch(new int[n * BehaviourWindows.SLOTS], new int[n]);
        fill(from, n, batch.history(), batch.targets());
        return batch;
    }

    /** The user whose sequence holds position {@code p}; offsets strictly increase, as no user is empty. */
    private int userOf(int p) {
        int i = Arrays.binarySearch(log.userOffsets(), p);
        return i >= 0 ? i : -i - 2;
    }
}
