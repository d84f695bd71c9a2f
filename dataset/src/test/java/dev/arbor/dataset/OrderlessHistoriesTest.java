package dev.arbor.dataset;

import dev.arbor.format.BehaviourWindows;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Training windows of a log without timestamps slide over seeded random orders, not the file order. */
class OrderlessHistoriesTest {

    private static InteractionLog untimed() {
        InteractionLogBuilder b = new InteractionLogBuilder(false);
        for (int u = 0; u < 30; u++) {
            for (int k = 0; k < 40; k++) {
                b.add(100 + u, 1000 + (u + k) % 60);
            }
        }
        return b.build();
    }

    @Test
    void shufflesEveryHistoryKeepingItemsAndOrdinals() {
        InteractionLog log = untimed();
        InteractionLog shuffled = DataSplit.orderless(log, 7);
        assertArrayEquals(log.itemIds(), shuffled.itemIds());
        assertArrayEquals(log.userIds(), shuffled.userIds());
        int moved = 0;
        for (int u = 0; u < log.numUsers(); u++) {
            int[] before = log.sequence(u);
            int[] after = shuffled.sequence(u);
            moved += Arrays.equals(before, after) ? 0 : 1;
            Arrays.sort(before);
            Arrays.sort(after);
            assertArrayEquals(before, after, "user " + u + " keeps the same items");
        }
        assertEquals(log.numUsers(), moved);
        assertArrayEquals(DataSplit.orderless(log, 7).sequenceItems(), shuffled.sequenceItems(), "seeded");
    }

    @Test
    void trainingSamplesOfAnUntimedLogAreNotInFileOrder() {
        InteractionLog log = untimed();
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(3).withTestUsers(3).withValidationUsers(3));
        TrainingSamples samples = split.trainingSamples(4);
        int inFileOrder = 0;
        int[] history = new int[BehaviourWindows.SLOTS];
        for (int s = 0; s < samples.size(); s++) {
            int user = samples.user(s);
            int[] sequence = log.sequence(user);
            samples.history(s, history, 0);
            // In file order, the slot before the target is the item just before it in the user's sequence.
            int previous = history[BehaviourWindows.SLOTS - 1];
            int t = indexOf(sequence, samples.target(s));
            inFileOrder += t > 0 && sequence[t - 1] == previous ? 1 : 0;
        }
        assertTrue(inFileOrder < samples.size() / 4, inFileOrder + " of " + samples.size() + " samples follow the file order");
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
