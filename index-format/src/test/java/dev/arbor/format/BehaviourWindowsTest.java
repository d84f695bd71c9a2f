package dev.arbor.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BehaviourWindowsTest {

    @Test
    void windowsAreTheTdmPapers() {
        assertArrayEquals(new int[] {20, 20, 10, 10, 2, 2, 2, 1, 1, 1}, BehaviourWindows.sizes());
        assertEquals(69, Arrays.stream(BehaviourWindows.sizes()).sum());
        assertEquals(BehaviourWindows.COUNT, BehaviourWindows.sizes().length);
        int[] expectedStarts = {0, 20, 40, 50, 60, 62, 64, 66, 67, 68};
        for (int w = 0; w < BehaviourWindows.COUNT; w++) {
            assertEquals(expectedStarts[w], BehaviourWindows.start(w));
            assertEquals(BehaviourWindows.sizes()[w], BehaviourWindows.size(w));
        }
        assertEquals(0, BehaviourWindows.windowOf(0));
        assertEquals(0, BehaviourWindows.windowOf(19));
        assertEquals(1, BehaviourWindows.windowOf(20));
        assertEquals(3, BehaviourWindows.windowOf(59));
        assertEquals(4, BehaviourWindows.windowOf(61));
        assertEquals(6, BehaviourWindows.windowOf(65));
        assertEquals(7, BehaviourWindows.windowOf(66));
        assertEquals(9, BehaviourWindows.windowOf(68));
    }

    @Test
    void shortHistoriesAreLeftPaddedSoTheNewestIsInTheLastWindow() {
        int[] h = BehaviourWindows.history(new int[] {7, 8, 9});
        assertEquals(69, h.length);
        for (int s = 0; s < 66; s++) {
            assertEquals(BehaviourWindows.PADDING, h[s]);
        }
        assertEquals(7, h[66]); // window 7
        assertEquals(8, h[67]); // window 8
        assertEquals(9, h[68]); // window 9: the most recent behaviour
    }

    @Test
    void longHistoriesKeepTheLast69() {
        int[] items = IntStream.range(0, 100).toArray();
        int[] h = BehaviourWindows.history(items);
        assertArrayEquals(IntStream.range(31, 100).toArray(), h);
        // window 0 holds the oldest 20 of the 69 kept
        assertArrayEquals(IntStream.range(31, 51).toArray(), Arrays.copyOfRange(h, 0, 20));

        int[] out = new int[80];
        Arrays.fill(out, 42);
        BehaviourWindows.history(items, 10, 15, out, 5);
        assertEquals(42, out[4]);
        assertEquals(BehaviourWindows.PADDING, out[5]);
        assertArrayEquals(new int[] {10, 11, 12, 13, 14}, Arrays.copyOfRange(out, 69, 74));
        assertEquals(42, out[74]);
    }

    @Test
    void anyArchitecturesWindowsFollowTheSameRules() {
        assertArrayEquals(new int[] {0, 0, 0, 1, 2, 2}, BehaviourWindows.windowOfSlot(new int[] {3, 1, 2}));
        assertEquals(4, BehaviourWindows.firstFilledSlot(2, 6), "two behaviours fill the last two slots");
        assertEquals(0, BehaviourWindows.firstFilledSlot(9, 6), "only the last six of nine count");
        assertEquals(6, BehaviourWindows.firstFilledSlot(0, 6), "an empty history fills nothing");
        assertArrayEquals(BehaviourWindows.windowOfSlot(BehaviourWindows.sizes()),
                ModelArchitecture.tdmAttentionDnn().windowOfSlot());
    }
}
