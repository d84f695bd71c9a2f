package dev.arbor.history;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.history.HistoryChild.Event;
import dev.arbor.history.HistoryChild.Events;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills an appending JVM ({@link HistoryChild}) with SIGKILL at random moments, 20 times by default
 * ({@code -Darbor.crash.kills=N} for more). After every kill the store must open (which checks every slot) and hold
 * exactly the acknowledged events, plus possibly the one append in flight, applied whole or not at all.
 *
 * <p>SIGKILL loses no page cache, so this tests crash atomicity against process death, not power loss.
 */
class HistoryStoreKillTest {
    private static final int H = HistoryChild.H;

    @TempDir
    Path tmp;
    /** The child of the current round, killed by {@link #killChild} if the test ends with it alive. */
    private volatile Process child;
    /** What the test is doing, for the timeout's message. */
    private volatile String phase = "starting";

    @Test
    void killedAppenderLosesNoAcknowledgedEvent() {
        int kills = Integer.getInteger("arbor.crash.kills", 20);
        // The kill count bounds the work; the timeout is only a net for a hang, and says where it hung.
        assertTimeoutPreemptively(Duration.ofMinutes(5), () -> killAndVerify(kills), () -> "hung at " + phase);
    }

    @AfterEach
    void killChild() {
        Process p = child;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    private void killAndVerify(int kills) throws Exception {
        Path file = tmp.resolve("history");
        HistoryModel model = new HistoryModel(H);
        SplittableRandom random = new SplittableRandom(29);
        long acknowledged = 0;
        int inFlightKept = 0, duringGrowth = 0;
        for (int run = 0; run < kills; run++) {
            long seed = random.nextLong();
            Path out = tmp.resolve("child.out"), err = tmp.resolve("child.err");
            phase = "kill " + (run + 1) + " of " + kills + ": waiting for the first ack";
            Process p = HistoryChild.start(out, err, "append", file.toString(), Long.toString(seed), Integer.toString(run));
            child = p;
            while (Files.size(out) == 0) {
                assertTrue(p.isAlive(), () -> "the child died: " + read(err));
                Thread.sleep(2);
            }
            phase = "kill " + (run + 1) + " of " + kills + ": killing";
            // Half the kills come at once, while the round's new users are inserted and the table grows.
            Thread.sleep(random.nextBoolean() ? random.nextInt(5) : random.nextInt(150));
            p.destroyForcibly();
            assertEquals(137, p.waitFor(), () -> "the child ended before the kill: " + read(err));
            if (Files.exists(tmp.resolve("history.grow"))) {
                duringGrowth++;
            }

            phase = "kill " + (run + 1) + " of " + kills + ": verifying";
            long acks = acks(out);
            acknowledged += acks;
            Events events = new Events(seed, run);
            for (long i = 0; i < acks; i++) {
                Event e = events.next();
                model.append(e.user(), e.item(), e.ts());
            }
            Event inFlight = events.next();
            try (HistoryStore store = HistoryStore.open(file, H, 4)) {
                for (String user : model.users()) {
                    if (!user.equals(inFlight.user())) {
                        assertArrayEquals(model.items(user), read(store, user), user + " after kill " + (run + 1));
                    }
                }
                long[] without = model.items(inFlight.user());
                long[] with = model.itemsWith(inFlight.user(), inFlight.item(), inFlight.ts());
                long[] found = read(store, inFlight.user());
                if (!Arrays.equals(found, without)) {
                    assertArrayEquals(with, found, inFlight.user() + " (the append in flight) after kill " + (run + 1));
                    model.append(inFlight.user(), inFlight.item(), inFlight.ts());
                    inFlightKept++;
                }
                assertEquals(model.users().size(), store.userCount());
            }
        }
        child = null;
        System.out.printf("HistoryStoreKillTest: %d SIGKILLs, %d acknowledged appends all kept, %d in-flight appends"
                + " kept whole, %d kills during growth, %d users%n", kills, acknowledged, inFlightKept, duringGrowth,
                model.users().size());
    }

    private static long[] read(HistoryStore store, String user) {
        long[] items = new long[H];
        return Arrays.copyOf(items, store.read(user, items));
    }

    /** The number of complete ack lines, checked to count up from 0; a line the kill cut short is not one. */
    private static long acks(Path out) throws IOException {
        String text = Files.readString(out, StandardCharsets.US_ASCII);
        String complete = text.substring(0, text.lastIndexOf('\n') + 1);
        String[] lines = complete.isEmpty() ? new String[0] : complete.split("\n");
        for (int i = 0; i < lines.length; i++) {
            assertEquals("ack " + i, lines[i]);
        }
        return lines.length;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
