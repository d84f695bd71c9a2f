package dev.arbor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arbor.progress.ProgressListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void plainLinesWaitForTheQuietPeriodAndAreRateLimited() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        long[] now = {0};
        ProgressListener.FileRead progress = new ConsoleProgress(new PrintStream(buffer, true, StandardCharsets.UTF_8),
                false, () -> now[0]).reading("big.csv", 100L << 20);

        now[0] = SECOND;
        progress.update(10L << 20, 1_000);
        now[0] = 3 * SECOND;
        progress.update(20L << 20, 2_000);
        now[0] = 10 * SECOND;
        progress.update(50L << 20, 5_000);
        now[0] = 18 * SECOND;
        progress.update(90L << 20, 9_000);
        now[0] = 19 * SECOND;
        progress.finished(9_500);
        progress.close();

        assertEquals(List.of(
                "reading big.csv: 20% (20 of 100 MiB, 2,000 lines, 3s)",
                "reading big.csv: 90% (90 of 100 MiB, 9,000 lines, 18s)",
                "reading big.csv: done (9,500 lines, 19s)"),
                buffer.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void aFailedReadDoesNotClaimToBeDone() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        long[] now = {0};
        ProgressListener.FileRead progress = new ConsoleProgress(new PrintStream(buffer, true, StandardCharsets.UTF_8),
                false, () -> now[0]).reading("big.csv", 100L << 20);
        now[0] = 5 * SECOND;
        progress.update(10L << 20, 1_000);
        progress.close();
        assertEquals("reading big.csv: stopped after 1,000 lines (5s)",
                buffer.toString(StandardCharsets.UTF_8).lines().toList().getLast());
    }

    @Test
    void countedWorkPrintsPlainLinesAfterItsQuietPeriodAtMostOncePerInterval() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        long[] now = {0};
        try (ProgressListener.Task task = new ConsoleProgress(new PrintStream(buffer, true, StandardCharsets.UTF_8),
                false, () -> now[0]).task("evaluating beam", "users", 5_000)) {
            now[0] = 2 * SECOND;
            task.advance(500);
            now[0] = 3 * SECOND;
            task.advance(500);
            now[0] = 12 * SECOND;
            task.advance(3_000);
            now[0] = 13 * SECOND;
            task.advance(1_000);
        }
        assertEquals(List.of(
                "evaluating beam: 1,000 of 5,000 users (20%), 3s",
                "evaluating beam: 5,000 of 5,000 users (100%), 13s"),
                buffer.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void quickReadsPrintNothing() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        long[] now = {0};
        ProgressListener.FileRead progress = new ConsoleProgress(new PrintStream(buffer, true, StandardCharsets.UTF_8),
                true, () -> now[0]).reading("small.csv", 1000);
        now[0] = SECOND;
        progress.update(500, 10);
        progress.close();
        assertEquals("", buffer.toString(StandardCharsets.UTF_8));
    }
}
