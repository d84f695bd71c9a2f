package dev.arbor.dataset;

import dev.arbor.format.BehaviourWindows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TrainingSamplesTest {

    /** User 0 has items 0..99 at times 0..99; user 1 has items 5,6,7 at times 2,1,0 (so its sequence is 7,6,5). */
    private static InteractionLog log() {
        InteractionLogBuilder b = new InteractionLogBuilder(true);
        for (int i = 0; i < 100; i++) {
            b.add(1000, i, i);
        }
        for (int i = 0; i < 3; i++) {
            b.add(2000, 5 + i, 2 - i);
        }
        return b.build();
    }

    @Test
    void slidingWindowWithPaddingAndMinimumHistory() {
        InteractionLog log = log();
        TrainingSamples samples = TrainingSamples.of(log, new int[] {0, 1}, 4);

        // User 0: targets at positions 4..99; user 1 has only 3 behaviours, too few for any target.
        assertEquals(96, samples.size());
        assertEquals(4, samples.target(0));
        assertEquals(0, samples.user(0));

        SampleBatch first = samples.batch(0, 2);
        assertEquals(2, first.size());
        int[] expected = new int[69];
        Arrays.fill(expected, -1);
        expected[65] = 0;
        expected[66] = 1;
        expected[67] = 2;
        expected[68] = 3;
        assertArrayEquals(expected, Arrays.copyOfRange(first.history(), 0, 69));
        assertEquals(4, first.targets()[0]);
        assertEquals(4, first.historyItem(1, 68)); // second sample: target 5, most recent behaviour 4
        assertEquals(5, first.targets()[1]);
        assertEquals(BehaviourWindows.PADDING, first.historyItem(1, 63));
    }

    @Test
    void fullWindowsHoldTheLast69BehavioursOldestFirst() {
        TrainingSamples samples = TrainingSamples.of(log(), new int[] {0}, 4);
        int last = samples.size() - 1;
        assertEquals(99, samples.target(last));
        int[] h = new int[69];
        samples.history(last, h, 0);
        assertArrayEquals(IntStream.range(30, 99).toArray(), h);
        // window 0 = the oldest 20 = items 30..49, window 9 = item 98
        assertEquals(30, h[BehaviourWindows.start(0)]);
        assertEquals(98, h[BehaviourWindows.start(9)]);
    }

    @Test
    void labelsAreTheTargetAndTheNextItemsOfTheSameUser() {
        InteractionLog log = log();
        TrainingSamples samples = TrainingSamples.of(log, new int[] {0, 1}, 1);
        int[] out = new int[5];
        // User 0's samples come first: targets 1..99; user 1's (sequence 7, 6, 5) after them.
        assertEquals(4, samples.labels(0, 4, out));
        assertArrayEquals(new int[] {1, 2, 3, 4}, Arrays.copyOf(out, 4));
        assertEquals(1, samples.labels(0, 1, out));
        assertEquals(samples.target(0), out[0]);
        int lastOfUser0 = 98;
        assertEquals(99, samples.target(lastOfUser0));
        assertEquals(1, samples.labels(lastOfUser0, 5, out), "the end of the sequence: the target alone");
        assertEquals(99, out[0]);
        assertEquals(2, samples.labels(lastOfUser0 + 1, 5, out), "user 1's first sample stops at its own end");
        assertArrayEquals(new int[] {log.itemOrdinal(6), log.itemOrdinal(5)}, Arrays.copyOf(out, 2));
        assertThrows(IllegalArgumentException.class, () -> samples.labels(0, 0, out));
        assertThrows(IllegalArgumentException.class, () -> samples.labels(0, 6, out));
    }

    @Test
    void historyNeverCrossesIntoTheUsersNeighbour() {
        InteractionLog log = log();
        TrainingSamples samples = TrainingSamples.of(log, new int[] {1}, 1);
        // user 1's sequence by time: items 7, 6, 5 -> ordinals of 7 and 6 and 5
        assertEquals(2, samples.size());
        SampleBatch b = samples.batch(0, 10);
        assertEquals(2, b.size());
        assertEquals(log.itemOrdinal(6), b.targets()[0]);
        assertEquals(log.itemOrdinal(7), b.historyItem(0, 68));
        assertEquals(BehaviourWindows.PADDING, b.historyItem(0, 67));
        assertEquals(log.itemOrdinal(5), b.targets()[1]);
        assertEquals(1, samples.user(1));
    }

    @Test
    void shuffleIsAPermutationDeterminedBySeed() {
        TrainingSamples a = TrainingSamples.of(log(), new int[] {0}, 1);
        TrainingSamples b = TrainingSamples.of(log(), new int[] {0}, 1);
        TrainingSamples c = TrainingSamples.of(log(), new int[] {0}, 1);
        a.shuffle(5);
        b.shuffle(5);
        c.shuffle(6);
        int[] ta = targets(a);
        assertArrayEquals(ta, targets(b));
        assertNotEquals(Arrays.toString(ta), Arrays.toString(targets(c)));
        assertArrayEquals(IntStream.range(1, 100).toArray(), Arrays.stream(ta).sorted().toArray());
        // A shuffled sample still pairs its target with its own history.
        for (int s = 0; s < a.size(); s++) {
            int[] h = new int[69];
            a.history(s, h, 0);
            assertEquals(a.target(s) - 1, h[68]);
        }
    }

    @Test
    void minimumHistoryMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> TrainingSamples.of(log(), new int[] {0}, 0));
    }

    private static int[] targets(TrainingSamples samples) {
        int[] t = new int[samples.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = samples.target(i);
        }
        return t;
    }
}
