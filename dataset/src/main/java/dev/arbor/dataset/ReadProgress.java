package dev.arbor.dataset;

import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Progress of one file read, on stderr. Nothing appears for reads that finish within {@link #QUIET}, so small
 * files and tests stay silent. After that a terminal gets a live progress bar; a log file or pipe gets one plain
 * line every {@link #PLAIN_INTERVAL}, because a bar's carriage-return redraws would fill it with garbage.
 */
final class ReadProgress implements AutoCloseable {

    static final Duration QUIET = Duration.ofSeconds(2);
    static final Duration PLAIN_INTERVAL = Duration.ofSeconds(15);
    private static final long MIB = 1L << 20;

    private final String label;
    private final long totalBytes;
    private final PrintStream err;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private ProgressBar bar;
    private long lastPlainNanos;
    private boolean plainPrinted;
    private long lines;
    private boolean complete;

    ReadProgress(String label, long totalBytes, PrintStream err, boolean terminal, LongSupplier nanoClock) {
        this.label = label;
        this.totalBytes = Math.max(1, totalBytes);
        this.err = err;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /** Progress for reading {@code label}, {@code totalBytes} long on disk, reported on {@link System#err}. */
    static ReadProgress start(String label, long totalBytes) {
        // Java cannot ask whether stderr itself is a terminal; an interactive console is the usual proxy.
        Console console = System.console();
        return new ReadProgress(label, totalBytes, System.err, console != null && console.isTerminal(),
                System::nanoTime);
    }

    /** Reports that {@code bytesRead} bytes of the file (compressed bytes for gzip) and {@code linesRead} lines are done. */
    void update(long bytesRead, long linesRead) {
        lines = linesRead;
        long now = nanoClock.getAsLong();
        long elapsed = now - startNanos;
        if (elapsed < QUIET.toNanos()) {
            return;
        }
        if (terminal) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("reading " + label)
                        .setInitialMax(Math.max(1, totalBytes / MIB)).setUnit(" MiB", 1)
                        .setConsumer(new ConsoleProgressBarConsumer(err)).showSpeed()
                        .startsFrom(0, Duration.ofNanos(elapsed)).build();
            }
            bar.stepTo(bytesRead / MIB);
            bar.setExtraMessage(String.format(Locale.ROOT, " %,d lines", linesRead));
        } else if (!plainPrinted || now - lastPlainNanos >= PLAIN_INTERVAL.toNanos()) {
            err.printf(Locale.ROOT, "reading %s: %d%% (%,d of %,d MiB, %,d lines, %ds)%n", label,
                    Math.min(100, bytesRead * 100 / totalBytes), bytesRead / MIB, totalBytes / MIB, linesRead,
                    elapsed / 1_000_000_000L);
            plainPrinted = true;
            lastPlainNanos = now;
        }
    }

    /** Marks the file as read to its end, {@code linesRead} lines in all; prints nothing. */
    void finished(long linesRead) {
        lines = linesRead;
        complete = true;
    }

    /**
     * Ends the bar, or the plain lines with a last one, if anything was shown at all. A read that failed part-way
     * (never {@link #finished}) says where it stopped rather than claiming to be done.
     */
    @Override
    public void close() {
        long seconds = (nanoClock.getAsLong() - startNanos) / 1_000_000_000L;
        if (bar != null) {
            if (complete) {
                bar.stepTo(bar.getMax());
            }
            bar.close();
        } else if (plainPrinted) {
            err.printf(Locale.ROOT, complete ? "reading %s: done (%,d lines, %ds)%n"
                    : "reading %s: stopped after %,d lines (%ds)%n", label, lines, seconds);
        }
    }
}
