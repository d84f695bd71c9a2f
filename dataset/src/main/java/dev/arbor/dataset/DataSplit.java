package dev.arbor.dataset;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.Random;

/**
 * The TDM paper's evaluation protocol. Users are divided at random (seeded) into disjoint training, validation and
 * test sets. A validation or test user's time-ordered history is cut in half: the first half is the model input,
 * the distinct items of the second half are the ground truth. A log without timestamps has no meaningful order, so
 * each held-out user's history is first shuffled with the split's seed and that user's id. Only users with at least
 * two interactions can be held out (one cannot be halved); the others always train.
 *
 * <p>Randomness comes from {@link java.util.Random}, whose algorithm the Java specification fixes, so a seed gives
 * the same split on every JDK.
 */
public final class DataSplit {

    private final InteractionLog log;
    private final long seed;
    private final int[] trainUsers;
    private final HeldOutUsers validation;
    private final HeldOutUsers test;

    private DataSplit(InteractionLog log, long seed, int[] trainUsers, HeldOutUsers validation, HeldOutUsers test) {
        this.log = log;
        this.seed = seed;
        this.trainUsers = trainUsers;
        this.validation = validation;
        this.test = test;
    }

    /**
     * Splits {@code log}'s users as {@code options} says.
     *
     * @throws IllegalArgumentException when the log has too few users for the requested counts and one training user
     */
    public static DataSplit of(InteractionLog log, SplitOptions options) {
        IntArrayList eligible = new IntArrayList();
        for (int u = 0; u < log.numUsers(); u++) {
            if (log.sequenceLength(u) >= 2) {
                eligible.add(u);
            }
        }
        int numValidation = options.validationUsers() == SplitOptions.AUTO
                ? SplitOptions.autoCount(eligible.size()) : options.validationUsers();
        int numTest = options.testUsers() == SplitOptions.AUTO
                ? SplitOptions.autoCount(eligible.size()) : options.testUsers();
        if (numValidation + numTest > eligible.size() || numValidation + numTest >= log.numUsers()) {
            throw new IllegalArgumentException("cannot hold out " + numValidation + " validation and " + numTest
                    + " test users: the log has " + log.numUsers() + " users, " + eligible.size()
                    + " with two or more interactions, and at least one must be left for training");
        }

        int[] shuffled = eligible.toIntArray();
        shuffle(shuffled, new Random(options.seed()));
        int[] validationUsers = sorted(Arrays.copyOfRange(shuffled, 0, numValidation));
        int[] testUsers = sorted(Arrays.copyOfRange(shuffled, numValidation, numValidation + numTest));

        boolean[] heldOut = new boolean[log.numUsers()];
        for (int i = 0; i < numValidation + numTest; i++) {
            heldOut[shuffled[i]] = true;
        }
        int[] trainUsers = new int[log.numUsers() - numValidation - numTest];
        int k = 0;
        for (int u = 0; u < log.numUsers(); u++) {
            if (!heldOut[u]) {
                trainUsers[k++] = u;
            }
        }
        return new DataSplit(log, options.seed(), trainUsers, halve(log, validationUsers, options.seed()),
                halve(log, testUsers, options.seed()));
    }

    private static int[] sorted(int[] users) {
        Arrays.sort(users);
        return users;
    }

    /** Cuts each user's history in half: input = the first {@code n / 2} items, truth = distinct items of the rest. */
    private static HeldOutUsers halve(InteractionLog log, int[] users, long seed) {
        int[] inputOffsets = new int[users.length + 1];
        int[] truthOffsets = new int[users.length + 1];
        IntArrayList inputItems = new IntArrayList();
        IntArrayList truthItems = new IntArrayList();
        IntOpenHashSet seen = new IntOpenHashSet();
        for (int i = 0; i < users.length; i++) {
            int[] history = log.sequence(users[i]);
            if (!log.hasTimestamps()) {
                shuffle(history, new Random(seed ^ mix(log.userIds()[users[i]])));
            }
            int half = history.length / 2;
            inputItems.addElements(inputItems.size(), history, 0, half);
            seen.clear();
            for (int k = half; k < history.length; k++) {
                if (seen.add(history[k])) {
                    truthItems.add(history[k]);
                }
            }
            inputOffsets[i + 1] = inputItems.size();
            truthOffsets[i + 1] = truthItems.size();
        }
        return new HeldOutUsers(users, inputOffsets, inputItems.toIntArray(), truthOffsets, truthItems.toIntArray());
    }

    /** Fisher-Yates shuffle; written out because {@code Collections.shuffle} does not promise its algorithm. */
    static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Spreads a user id over all 64 bits (the SplitMix64 finaliser), so neighbouring ids get unrelated shuffles. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The log that was split. */
    public InteractionLog log() {
        return log;
    }

    /** The seed of the split. */
    public long seed() {
        return seed;
    }

    /** User ordinals of the training users, ascending. Backing array: do not modify. */
    public int[] trainUsers() {
        return trainUsers;
    }

    /** The validation users with their input and ground truth. */
    public HeldOutUsers validation() {
        return validation;
    }

    /** The test users with their input and ground truth. */
    public HeldOutUsers test() {
        return test;
    }

    /**
     * The sliding-window training samples of the training users (see {@link TrainingSamples}). For a log without
     * timestamps the windows slide over each user's history in a random order given by the split's seed, as the
     * held-out users' histories are shuffled: sliding over the file order would teach a model whatever order the
     * file happens to have (MovieLens-1M's rows follow one closely enough to drive a model's training loss far below
     * what shuffled histories allow, and it then fails on the held-out users).
     */
    public TrainingSamples trainingSamples(int minHistory) {
        return TrainingSamples.of(log.hasTimestamps() ? log : orderless(log, seed), trainUsers, minHistory);
    }

    /** {@code log} with every user's history in a random order given by {@code seed}, and the same ordinals. */
    static InteractionLog orderless(InteractionLog log, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] offsets = log.userOffsets();
        int[] rank = new int[log.size()];
        for (int u = 0; u < log.numUsers(); u++) {
            for (int k = offsets[u]; k < offsets[u + 1]; k++) {
                int j = offsets[u] + random.nextInt(k - offsets[u] + 1);
                rank[k] = rank[j];
                rank[j] = k - offsets[u];
            }
        }
        // Rows go in in their original order, so items and users keep their ordinals; the timestamps the builder
        // sorts by are the random ranks.
        InteractionLogBuilder builder = new InteractionLogBuilder(true);
        int[] seen = new int[log.numUsers()];
        for (int i = 0; i < log.size(); i++) {
            int u = log.userOrdinals()[i];
            builder.add(log.userIds()[u], log.itemIds()[log.itemOrdinals()[i]], rank[offsets[u] + seen[u]++]);
        }
        InteractionLog shuffled = builder.build();
        if (!Arrays.equals(shuffled.itemIds(), log.itemIds()) || !Arrays.equals(shuffled.userIds(), log.userIds())) {
            throw new IllegalStateException("re-reading the log changed its ordinals");
        }
        return shuffled;
    }
}
