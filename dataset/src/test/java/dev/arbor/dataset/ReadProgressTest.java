package dev.arbor.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadProgressTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void plainLinesWaitForTheQuietPeriodAndAreRateLimited() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        long[] now = {0};
        ReadProgress progress = new ReadProgress("big.csv", 100L << 20,
                new PrintStream(buffer, true, StandardCharsets.UTF_8), false, () -> now[0]);

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
        ReadProgress progress = new ReadProgress("big.csv", 100L << 20,
                new PrintStream(buffer, true, StandardCharsets.UTF_8), false, () -> now[0]);
        now[0] = 5 * SECOND;
        progress.update(10L << 20, 1_000);
        progress.close();
        assertEquals("reading big.csv: stopped after 1,000 lines (5s)",
                buffer.toString(StandardCharsets.UTF_8).lines().toList().getLast());
    }

    @Test
    void quickReadsPrintNothing() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        long[] now = {0};
        ReadProgress progress = new ReadProgress("small.csv", 1000,
                new PrintStream(buffer, true, StandardCharsets.UTF_8), true, () -> now[0]);
        now[0] = SECOND;
        progress.update(500, 10);
        progress.close();
        assertEquals("", buffer.toString(StandardCharsets.UTF_8));
    }
}
