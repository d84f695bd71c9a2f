package dev.arbor.history;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writers on overlapping users, readers beside them, the table growing meanwhile. */
class HistoryStoreConcurrencyTest {
    private static final int H = 16, USERS = 40, WRITERS = 4, PER_USER_PER_WRITER = 500, READERS = 2;

    @TempDir
    Path tmp;

    /**
     * Each user gets {@code WRITERS * PER_USER_PER_WRITER} events with distinct timestamps, dealt to the writers in
     * random order: whatever the interleaving, the user must end with the H newest, in order. The item id is the
     * timestamp, so a reader can check every history it sees is ascending: a torn read would show up as disorder
     * or as an id no writer wrote.
     */
    @Test
    void concurrentAppendsToOverlappingUsersKeepTheNewestH() throws Exception {
        Random shuffle = new Random(11);
        List<List<long[]>> work = new ArrayList<>(); // per writer: {user, ts}
        for (int w = 0; w < WRITERS; w++) {
            work.add(new ArrayList<>());
        }
        for (int u = 0; u < USERS; u++) {
            List<Long> ts = new ArrayList<>(LongStream.range(0, WRITERS * PER_USER_PER_WRITER).map(t -> 1000L * t + 7).boxed().toList());
            Collections.shuffle(ts, shuffle);
            for (int i = 0; i < ts.size(); i++) {
                work.get(i % WRITERS).add(new long[] {u, ts.get(i)});
            }
        }
        work.forEach(list -> Collections.shuffle(list, shuffle));

        AtomicBoolean writing = new AtomicBoolean(true);
        // Writers start once the readers run: on a busy machine they could otherwise finish before a reader starts.
        CountDownLatch readersRunning = new CountDownLatch(READERS);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
        try (HistoryStore store = HistoryStore.open(tmp.resolve("history"), H, 4)) {
            List<Future<?>> writers = new ArrayList<>();
            for (List<long[]> events : work) {
                writers.add(pool.submit(() -> {
                    readersRunning.await();
                    for (long[] e : events) {
                        store.append("user-" + e[0], e[1], e[1]);
                    }
                    return null;
                }));
            }
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                SplittableRandom random = new SplittableRandom(r);
                readers.add(pool.submit(() -> {
                    readersRunning.countDown();
                    long[] items = new long[H];
                    do {
                        int n = store.read("user-" + random.nextInt(USERS), items);
                        assertTrue(n <= H);
                        for (int i = 0; i < n; i++) {
                            assertEquals(7, items[i] % 1000, "an id no writer wrote");
                            assertTrue(i == 0 || items[i - 1] < items[i], () -> "out of order: " + Arrays.toString(items));
                        }
                    } while (writing.get());
                    return null;
                }));
            }
            try {
                for (Future<?> w : writers) {
                    w.get();
                }
            } finally {
                writing.set(false); // also when a writer failed: the readers must not spin on
            }
            for (Future<?> r : readers) {
                r.get();
            }
            long[] items = new long[H];
            long top = WRITERS * PER_USER_PER_WRITER;
            long[] expected = LongStream.range(top - H, top).map(t -> 1000L * t + 7).toArray();
            for (int u = 0; u < USERS; u++) {
                int n = store.read("user-" + u, items);
                assertArrayEquals(expected, Arrays.copyOf(items, n), "user-" + u);
            }
            assertEquals(USERS, store.userCount());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Two writers append ever newer events to one user with a long history while two readers copy it: a reader that
     * the scheduler pauses mid-copy resumes over a copy the writers have since rewritten, and must notice and retry.
     */
    @Test
    void readsBesideAppendsToOneUserAreNeverTorn() throws Exception {
        int h = 512;
        AtomicLong clock = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch readersRunning = new CountDownLatch(2);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (HistoryStore store = HistoryStore.open(tmp.resolve("history"), h, 4)) {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                writers.add(pool.submit(() -> {
                    readersRunning.await();
                    for (int i = 0; i < 300_000; i++) {
                        long t = clock.incrementAndGet();
                        store.append("hot", t, t);
                    }
                    return null;
                }));
            }
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    readersRunning.countDown();
                    long[] items = new long[h];
                    do {
                        int n = store.read("hot", items);
                        for (int i = 1; i < n; i++) {
                            if (items[i - 1] >= items[i]) {
                                fail("torn read at " + i + " of " + n + ": " + items[i - 1] + " then " + items[i]);
                            }
                        }
                    } while (writing.get());
                    return null;
                }));
            }
            try {
                for (Future<?> w : writers) {
                    w.get();
                }
            } finally {
                writing.set(false); // also when a writer failed: the readers must not spin on
            }
            for (Future<?> r : readers) {
                r.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
