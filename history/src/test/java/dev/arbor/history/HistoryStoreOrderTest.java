package dev.arbor.history;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.testkit.Fuzz;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's history: the newest H events, in timestamp order, ties in arrival order. */
class HistoryStoreOrderTest {
    @TempDir
    Path tmp;

    private long[] read(HistoryStore store, String user) {
        long[] items = new long[store.historyLength()];
        return Arrays.copyOf(items, store.read(user, items));
    }

    @Test
    void moreThanHEventsKeepTheNewestH() throws IOException {
        try (HistoryStore store = HistoryStore.open(tmp.resolve("h"), 5, 4)) {
            for (int i = 1; i <= 7; i++) {
                store.append("u", 100 + i, 10 * i);
            }
            assertArrayEquals(new long[] {103, 104, 105, 106, 107}, read(store, "u"));
        }
    }

    @Test
    void lateEventIsInsertedAtItsPlace() throws IOException {
        try (HistoryStore store = HistoryStore.open(tmp.resolve("h"), 5, 4)) {
            store.append("u", 1, 10);
            store.append("u", 3, 30);
            store.append("u", 2, 20);
            store.append("u", 0, 5);
            assertArrayEquals(new long[] {0, 1, 2, 3}, read(store, "u"));
            store.append("u", 4, 40);
            store.append("u", 9, 25); // full: evicts the oldest (5)
            assertArrayEquals(new long[] {1, 2, 9, 3, 4}, read(store, "u"));
        }
    }

    @Test
    void tiedTimestampsKeepArrivalOrder() throws IOException {
        try (HistoryStore store = HistoryStore.open(tmp.resolve("h"), 4, 4)) {
            store.append("u", 1, 10);
            store.append("u", 2, 20);
            store.append("u", 3, 10);
            store.append("u", 4, 20);
            assertArrayEquals(new long[] {1, 3, 2, 4}, read(store, "u"));
            // Full, and tied with the oldest: it arrived later, so it is newer and stays; the first 10 goes.
            store.append("u", 5, 10);
            assertArrayEquals(new long[] {3, 5, 2, 4}, read(store, "u"));
        }
    }

    @Test
    void eventOlderThanAFullHistoryIsDropped() throws IOException {
        try (HistoryStore store = HistoryStore.open(tmp.resolve("h"), 3, 4)) {
            store.append("u", 1, 10);
            store.append("u", 2, 20);
            store.append("u", 0, 5); // not full yet: kept
            assertArrayEquals(new long[] {0, 1, 2}, read(store, "u"));
            store.append("u", 9, 4);
            assertArrayEquals(new long[] {0, 1, 2}, read(store, "u"));
        }
    }

    @Test
    void unknownUserReadsNothingAndUsersAreKeptApart() throws IOException {
        try (HistoryStore store = HistoryStore.open(tmp.resolve("h"), 3, 4)) {
            store.append("e", 1, 1);
            store.append("\u00e9", 2, 1);
            store.append("12345", 3, 1);
            assertArrayEquals(new long[] {1}, read(store, "e"));
            assertArrayEquals(new long[] {2}, read(store, "\u00e9"));
            assertArrayEquals(new long[] {3}, read(store, "12345"));
            assertArrayEquals(new long[0], read(store, "1234"));
            assertEquals(3, store.userCount());
        }
    }

    @Test
    void randomSequencesMatchTheModel() {
        AtomicInteger cases = new AtomicInteger();
        Fuzz.forAll("history order", 40, random -> {
            int h = random.nextInt(1, 9);
            HistoryModel model = new HistoryModel(h);
            try (HistoryStore store = HistoryStore.open(tmp.resolve("case-" + cases.incrementAndGet()), h, 4)) {
                for (int i = 0; i < 400; i++) {
                    String user = "user-" + random.nextInt(12);
                    long ts = random.nextInt(30); // a narrow range: many ties and late events
                    store.append(user, i, ts);
                    model.append(user, i, ts);
                }
                for (String user : model.users()) {
                    assertArrayEquals(model.items(user), read(store, user), user);
                }
            }
        });
    }
}
