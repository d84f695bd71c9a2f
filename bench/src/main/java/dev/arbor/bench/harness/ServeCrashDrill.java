package dev.arbor.bench.harness;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.history.HistoryStore;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code kill -9} of {@code arbor serve} in the middle of appends, round after round: writer threads post events and
 * note each one the server acknowledged; the server is killed at a random moment; then the history store it leaves
 * behind is opened and every acknowledged event must be in it, and the next round restarts the server on the same
 * files. Each round writes new users, so that no user holds more events than the store keeps.
 *
 * <p>Usage: {@code java @jvm.options -cp cli/target/arbor.jar dev.arbor.bench.harness.ServeCrashDrill [rounds=20]
 * [writers=4] [dir=work/drill/crash] [seed=1]}. Exits with 1 when an acknowledged event is missing.
 */
public final class ServeCrashDrill {
    private static final String TOKEN = "crash-drill-token";
    private static final int USERS_PER_ROUND = 200;

    private ServeCrashDrill() {
    }

    private record Event(String user, long item, long ts) {
    }

    public static void main(String[] args) throws Exception {
        DrillArgs a = new DrillArgs(args);
        int rounds = a.count("rounds", "20"), writers = a.count("writers", "4");
        Path dir = a.freshDirectory("dir", "work/drill/crash"), indexDir = dir.resolve("index");
        Path history = indexDir.resolve("users.history");
        SplittableRandom random = new SplittableRandom(Long.parseLong(a.get("seed", "1")));
        TreeIndex index = SyntheticIndex.generate(10_000, 2, ModelKind.ATTENTION_DNN, 42);
        SegmentWriter.write(indexDir, index);
        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        System.out.println("| round | killed after | acknowledged | sent, not acknowledged | acknowledged but missing |");
        System.out.println("|---:|---:|---:|---:|---:|");
        long totalAcked = 0, totalMissing = 0;
        for (int round = 1; round <= rounds; round++) {
            ConcurrentLinkedQueue<Event> acked = new ConcurrentLinkedQueue<>();
            long[] unacknowledged = new long[writers];
            AtomicBoolean running = new AtomicBoolean(true);
            ServerProcess server = ServerProcess.start(indexDir, token, "512m", dir.resolve("server.log"));
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w, r = round;
                threads.add(Thread.ofPlatform().start(() -> {
                    SplittableRandom mine = new SplittableRandom(r * 1000L + id);
                    // Fewer events per user than the store keeps: every acknowledged one must still be there.
                    for (int e = 0; running.get() && e < (BehaviourWindows.SLOTS - 1) * USERS_PER_ROUND / writers; e++) {
                        Event event = new Event("r" + r + "-u" + (id + writers * (e % (USERS_PER_ROUND / writers))),
                                index.itemIds()[mine.nextInt(index.itemIds().length)], System.currentTimeMillis());
                        String body = "{\"user_id\": \"" + event.user() + "\", \"item_id\": " + event.item() + ", \"ts\": "
                                + event.ts() + "}";
                        try {
                            if (server.post("/v1/events", body, TOKEN).statusCode() == 200) {
                                acked.add(event);
                            }
                        } catch (Exception killed) {
                            unacknowledged[id]++;
                            return;
                        }
                    }
                }));
            }
            long delay = 200 + random.nextInt(800);
            Thread.sleep(delay);
            server.kill();
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
            long missing = missing(history, acked);
            long inFlight = 0;
            for (long u : unacknowledged) {
                inFlight += u;
            }
            totalAcked += acked.size();
            totalMissing += missing;
            System.out.printf(Locale.ROOT, "| %d | %d ms | %,d | %d | %d |%n", round, delay, acked.size(), inFlight, missing);
        }
        try (ServerProcess server = ServerProcess.start(indexDir, token, "512m", dir.resolve("server.log"))) {
            String answer = server.post("/v1/retrieve", "{\"user_id\": \"r1-u0\", \"k\": 5}", null).body();
            System.out.println("\nrestarted once more and served a stored user: " + answer);
        }
        System.out.printf(Locale.ROOT, "%d kills, %,d acknowledged events, %d missing: crash drill %s%n", rounds,
                totalAcked, totalMissing, totalMissing == 0 ? "passed" : "FAILED");
        System.exit(totalMissing == 0 ? 0 : 1);
    }

    /** Acknowledged events that the store does not hold, reading it as the restarted server will. */
    private static long missing(Path file, Iterable<Event> acked) throws Exception {
        long missing = 0;
        try (HistoryStore store = HistoryStore.open(file, BehaviourWindows.SLOTS, 1 << 16)) {
            long[] items = new long[store.historyLength()];
            for (Event e : acked) {
                int n = store.read(e.user(), items);
                boolean found = false;
                for (int i = 0; i < n && !found; i++) {
                    found = items[i] == e.item();
                }
                if (!found) {
                    missing++;
                }
            }
        }
        return missing;
    }
}
