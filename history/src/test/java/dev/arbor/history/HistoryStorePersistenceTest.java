package dev.arbor.history;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What was appended is there after close and reopen, and after the table grew many times. */
class HistoryStorePersistenceTest {
    @TempDir
    Path tmp;

    private static void assertMatches(HistoryModel model, HistoryStore store) {
        long[] items = new long[store.historyLength()];
        for (String user : model.users()) {
            int n = store.read(user, items);
            assertArrayEquals(model.items(user), Arrays.copyOf(items, n), user);
        }
        assertEquals(model.users().size(), store.userCount());
    }

    /** Appends {@code events} random events over {@code users} users, some of them late, to both. */
    private static void appendRandom(HistoryStore store, HistoryModel model, SplittableRandom random, int users,
                                     int events) throws IOException {
        for (int i = 0; i < events; i++) {
            String user = Integer.toString(random.nextInt(users));
            long item = random.nextLong();
            long ts = random.nextLong(1_000_000);
            store.append(user, item, ts);
            model.append(user, item, ts);
        }
    }

    @Test
    void closeAndReopenKeepsEverything() throws IOException {
        Path file = tmp.resolve("history");
        HistoryModel model = new HistoryModel(69);
        SplittableRandom random = new SplittableRandom(3);
        try (HistoryStore store = HistoryStore.open(file, 69, 100)) {
            appendRandom(store, model, random, 50, 5_000);
        }
        try (HistoryStore store = HistoryStore.open(file, 69, 100)) {
            assertMatches(model, store);
            appendRandom(store, model, random, 60, 2_000);
        }
        try (HistoryStore store = HistoryStore.open(file, 69, 1)) {
            assertMatches(model, store);
        }
    }

    @Test
    void growthFromFourToTenThousandUsersKeepsEveryHistory() throws IOException {
        Path file = tmp.resolve("history");
        HistoryModel model = new HistoryModel(12);
        SplittableRandom random = new SplittableRandom(5);
        try (HistoryStore store = HistoryStore.open(file, 12, 4)) {
            long initialBytes = store.fileBytes();
            for (int u = 0; u < 10_000; u++) {
                long ts = random.nextLong(1_000_000);
                store.append(Integer.toString(u), u, ts);
                model.append(Integer.toString(u), u, ts);
            }
            appendRandom(store, model, random, 10_000, 50_000);
            assertMatches(model, store);
            assertTrue(store.fileBytes() > 1000 * initialBytes, store.fileBytes() + " bytes after growth");
            assertEquals(Files.size(file), store.fileBytes());
        }
        try (HistoryStore store = HistoryStore.open(file, 12, 4)) {
            assertMatches(model, store);
        }
        assertFalse(Files.exists(tmp.resolve("history.grow")));
    }

    @Test
    void staleGrowFileIsDeletedAtOpen() throws IOException {
        Path file = tmp.resolve("history");
        try (HistoryStore store = HistoryStore.open(file, 4, 4)) {
            store.append("u", 1, 1);
        }
        Path grow = tmp.resolve("history.grow");
        Files.write(grow, new byte[1000]); // as a crash half-way through growth leaves it
        try (HistoryStore store = HistoryStore.open(file, 4, 4)) {
            assertFalse(Files.exists(grow));
            assertEquals(1, store.read("u", new long[4]));
            for (int u = 0; u < 20; u++) {
                store.append("g" + u, u, u); // grows through the path the stale file held
            }
            assertEquals(21, store.userCount());
        }
    }

    @Test
    void powerLossDurabilityKeepsTheSameHistories() throws IOException {
        Path file = tmp.resolve("history");
        HistoryModel model = new HistoryModel(6);
        SplittableRandom random = new SplittableRandom(7);
        try (HistoryStore store = HistoryStore.open(file, 6, 4, HistoryStore.Durability.POWER_LOSS)) {
            appendRandom(store, model, random, 30, 150); // every append waits for the disk: keep it short
            assertMatches(model, store);
        }
        try (HistoryStore store = HistoryStore.open(file, 6, 4)) {
            assertMatches(model, store);
        }
    }
}
