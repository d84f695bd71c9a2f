package dev.arbor.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class InteractionLogTest {

    @Test
    void ordinalsFollowFirstAppearance() {
        InteractionLogBuilder b = new InteractionLogBuilder(true);
        b.add(500, 9, 3);
        b.add(400, 8, 1);
        b.add(500, 8, 2);
        InteractionLog log = b.build();

        assertArrayEquals(new long[] {500, 400}, log.userIds());
        assertArrayEquals(new long[] {9, 8}, log.itemIds());
        assertArrayEquals(new int[] {0, 1, 0}, log.userOrdinals());
        assertArrayEquals(new int[] {0, 1, 1}, log.itemOrdinals());
        assertArrayEquals(new long[] {3, 1, 2}, log.timestamps());
        assertEquals(1, log.userOrdinal(400));
        assertEquals(-1, log.userOrdinal(7));
        assertEquals(0, log.itemOrdinal(9));
        assertEquals(-1, log.itemOrdinal(7));
        assertEquals("InteractionLog[2 users, 2 items, 3 interactions, 1 categories, timestamps]", log.toString());
    }

    @Test
    void sequencesAreTimeSortedAndStableOnTies() {
        InteractionLogBuilder b = new InteractionLogBuilder(true);
        // user 1: items 10@5, 11@3, 12@5, 13@1, 14@3  -> 13, 11, 14, 10, 12
        long[][] rows = {{1, 10, 5}, {2, 20, 9}, {1, 11, 3}, {1, 12, 5}, {2, 21, 8}, {1, 13, 1}, {1, 14, 3}};
        for (long[] r : rows) {
            b.add(r[0], r[1], r[2]);
        }
        InteractionLog log = b.build();

        assertArrayEquals(ordinals(log, 13, 11, 14, 10, 12), log.sequence(log.userOrdinal(1)));
        assertArrayEquals(ordinals(log, 21, 20), log.sequence(log.userOrdinal(2)));
        assertArrayEquals(new int[] {0, 5, 7}, log.userOffsets());
        assertEquals(5, log.sequenceLength(0));
    }

    @Test
    void withoutTimestampsSequencesKeepInputOrder() {
        InteractionLogBuilder b = new InteractionLogBuilder(false);
        b.add(1, 30);
        b.add(2, 31);
        b.add(1, 29);
        InteractionLog log = b.build();
        assertNull(log.timestamps());
        assertArrayEquals(ordinals(log, 30, 29), log.sequence(0));
    }

    @Test
    void metadataMayComeBeforeOrAfterAndFirstWins() {
        InteractionLogBuilder b = new InteractionLogBuilder(false);
        b.category(2, "Drama");
        b.title(2, "Two");
        b.category(99, "Horror"); // never interacts: no category ordinal for Horror
        b.add(1, 1);
        b.add(1, 2);
        b.add(1, 3);
        b.category(1, 77L);
        b.category(1, "ignored, 1 already has one");
        b.title(2, "ignored");
        InteractionLog log = b.build();

        assertEquals(3, log.numCategories());
        assertEquals("77", log.categoryName(log.itemCategory(0)));
        assertEquals("Drama", log.categoryName(log.itemCategory(1)));
        assertEquals(InteractionLog.NO_CATEGORY, log.categoryName(log.itemCategory(2)));
        assertArrayEquals(new int[] {0, 1, 2}, log.itemCategories());
        assertEquals("Two", log.itemTitle(1));
        assertNull(log.itemTitle(0));
    }

    @Test
    void builderMisuseIsRejected() {
        InteractionLogBuilder timed = new InteractionLogBuilder(true);
        assertThrows(IllegalStateException.class, () -> timed.add(1, 2));
        InteractionLogBuilder untimed = new InteractionLogBuilder(false);
        assertThrows(IllegalStateException.class, () -> untimed.add(1, 2, 3));
        untimed.build();
        assertThrows(IllegalStateException.class, untimed::build);
        assertThrows(IllegalStateException.class, () -> untimed.add(1, 2));
    }

    private static int[] ordinals(InteractionLog log, long... itemIds) {
        int[] out = new int[itemIds.length];
        for (int i = 0; i < itemIds.length; i++) {
            out[i] = log.itemOrdinal(itemIds[i]);
        }
        return out;
    }
}
