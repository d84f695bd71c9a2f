package dev.arbor.dataset;

import dev.arbor.format.BehaviourWindows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DataSplitTest {

    /**
     * 60 users; user {@code u} has {@code u % 9 + 1} interactions (so some have just one) with repeated items, fed
     * in reverse time order so that the sequences really are sorted by the log.
     */
    private static InteractionLog log(boolean timestamps) {
        InteractionLogBuilder b = new InteractionLogBuilder(timestamps);
        for (int u = 0; u < 60; u++) {
            int n = u % 9 + 1;
            for (int k = n - 1; k >= 0; k--) {
                long item = (u * 7L + k) % 13;
                if (timestamps) {
                    b.add(u, item, k);
                } else {
                    b.add(u, item);
                }
            }
        }
        return b.build();
    }

    @Test
    void setsAreDisjointAndCoverEveryUser() {
        InteractionLog log = log(true);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(42));

        // 60 users, 53 with two or more interactions -> 10% = 5 each
        assertEquals(5, split.validation().size());
        assertEquals(5, split.test().size());
        assertEquals(50, split.trainUsers().length);
        Set<Integer> all = new HashSet<>();
        for (int[] users : new int[][] {split.trainUsers(), split.validation().users(), split.test().users()}) {
            assertTrue(isAscending(users));
            for (int u : users) {
                assertTrue(all.add(u), "user " + u + " is in two sets");
            }
        }
        assertEquals(60, all.size());
        for (int u : split.validation().users()) {
            assertTrue(log.sequenceLength(u) >= 2);
        }
        for (int u : split.test().users()) {
            assertTrue(log.sequenceLength(u) >= 2);
        }
    }

    @Test
    void theSeedDeterminesTheSplit() {
        InteractionLog log = log(true);
        DataSplit a = DataSplit.of(log, SplitOptions.withSeed(7));
        DataSplit b = DataSplit.of(log, SplitOptions.withSeed(7));
        DataSplit c = DataSplit.of(log, SplitOptions.withSeed(8));
        assertArrayEquals(a.trainUsers(), b.trainUsers());
        assertArrayEquals(a.validation().users(), b.validation().users());
        assertArrayEquals(a.test().users(), b.test().users());
        assertArrayEquals(a.test().inputItems(), b.test().inputItems());
        assertFalse(Arrays.equals(a.test().users(), c.test().users())
                && Arrays.equals(a.validation().users(), c.validation().users()));
        assertEquals(7, a.seed());
    }

    @Test
    void heldOutUsersAreCutInHalfByTime() {
        InteractionLog log = log(true);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(3).withValidationUsers(0).withTestUsers(53));
        HeldOutUsers test = split.test();
        assertEquals(0, split.validation().size());
        assertEquals(53, test.size());
        for (int i = 0; i < test.size(); i++) {
            int[] seq = log.sequence(test.user(i));
            int half = seq.length / 2;
            assertArrayEquals(Arrays.copyOfRange(seq, 0, half), test.input(i));
            Set<Integer> distinct = new LinkedHashSet<>();
            for (int k = half; k < seq.length; k++) {
                distinct.add(seq[k]);
            }
            assertArrayEquals(distinct.stream().mapToInt(Integer::intValue).toArray(), test.truth(i));
            int[] h = new int[69];
            test.history(i, h, 0);
            assertArrayEquals(BehaviourWindows.history(test.input(i)), h);
        }
        // The log's sequences really are time-sorted: user 4 (5 interactions) was fed newest first.
        int u4 = log.userOrdinal(4);
        assertArrayEquals(IntStream.range(0, 5).map(k -> log.itemOrdinal((4 * 7L + k) % 13)).toArray(),
                log.sequence(u4));
    }

    @Test
    void withoutTimestampsEachHistoryIsShuffledBySeed() {
        InteractionLog log = log(false);
        SplitOptions options = SplitOptions.withSeed(11).withValidationUsers(0).withTestUsers(53);
        HeldOutUsers a = DataSplit.of(log, options).test();
        HeldOutUsers b = DataSplit.of(log, options).test();
        HeldOutUsers c = DataSplit.of(log, new SplitOptions(12, 0, 53)).test();

        assertArrayEquals(a.inputItems(), b.inputItems());
        assertArrayEquals(a.truthItems(), b.truthItems());
        assertNotEquals(Arrays.toString(a.inputItems()), Arrays.toString(c.inputItems()));
        boolean anyReordered = false;
        for (int i = 0; i < a.size(); i++) {
            int[] seq = log.sequence(a.user(i));
            int[] input = a.input(i);
            assertEquals(seq.length / 2, input.length);
            // The input plus the second half is a permutation of the history, and the truth its distinct items.
            int[] rest = Arrays.copyOfRange(shuffledSecondHalf(seq, input), 0, seq.length - input.length);
            assertEquals(new HashSet<>(Arrays.stream(rest).boxed().toList()),
                    new HashSet<>(Arrays.stream(a.truth(i)).boxed().toList()));
            anyReordered |= !Arrays.equals(Arrays.copyOfRange(seq, 0, input.length), input);
        }
        assertTrue(anyReordered, "a shuffled split should not always take the file-order first half");
    }

    /** The items of {@code seq} left after removing {@code input} (as a multiset); fails if input is not a sub-multiset. */
    private static int[] shuffledSecondHalf(int[] seq, int[] input) {
        int[] left = seq.clone();
        int n = left.length;
        for (int item : input) {
            int k = 0;
            while (k < n && left[k] != item) {
                k++;
            }
            assertTrue(k < n, "input item " + item + " is not in the history");
            left[k] = left[--n];
        }
        return Arrays.copyOf(left, n);
    }

    @Test
    void trainingSamplesComeOnlyFromTrainingUsers() {
        InteractionLog log = log(true);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(5));
        TrainingSamples samples = split.trainingSamples(1);
        Set<Integer> train = new HashSet<>(Arrays.stream(split.trainUsers()).boxed().toList());
        int expected = 0;
        for (int u : split.trainUsers()) {
            expected += Math.max(0, log.sequenceLength(u) - 1);
        }
        assertEquals(expected, samples.size());
        for (int s = 0; s < samples.size(); s++) {
            assertTrue(train.contains(samples.user(s)));
        }
    }

    @Test
    void countsMustLeaveATrainingUser() {
        InteractionLog log = log(true);
        assertThrows(IllegalArgumentException.class,
                () -> DataSplit.of(log, SplitOptions.withSeed(1).withValidationUsers(30).withTestUsers(25)));
        assertThrows(IllegalArgumentException.class, () -> SplitOptions.withSeed(1).withTestUsers(-2));

        InteractionLogBuilder b = new InteractionLogBuilder(false);
        b.add(1, 1);
        b.add(1, 2);
        b.add(2, 1);
        b.add(2, 2);
        assertThrows(IllegalArgumentException.class, () -> DataSplit.of(b.build(), SplitOptions.withSeed(1)));
    }

    @Test
    void autoCountsAreTenPercentAtLeastOneAtMostTenThousand() {
        assertEquals(1, SplitOptions.autoCount(3));
        assertEquals(61, SplitOptions.autoCount(610));
        assertEquals(10_000, SplitOptions.autoCount(987_994));
    }

    private static boolean isAscending(int[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] <= a[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
