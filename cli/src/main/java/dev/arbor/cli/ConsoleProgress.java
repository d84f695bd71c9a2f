package dev.arbor.cli;

import dev.arbor.progress.ProgressListener;
import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * The command line's rendering of library progress, on stderr. Messages are printed as they come. Tasks show nothing
 * while they are young ({@link #READ_QUIET} for file reads, {@link #TASK_QUIET} for counted work), so small inputs
 * and tests stay silent; after that a terminal gets a live progress bar, and a log file or pipe gets one plain line
 * every {@link #READ_INTERVAL} or {@link #TASK_INTERVAL}, because a bar's carriage-return redraws would fill it with
 * garbage.
 */
final class ConsoleProgress implements ProgressListener {

    static final Duration READ_QUIET = Duration.ofSeconds(2);
    static final Duration READ_INTERVAL = Duration.ofSeconds(15);
    static final Duration TASK_QUIET = Duration.ofSeconds(3);
    static final Duration TASK_INTERVAL = Duration.ofSeconds(10);
    private static final long MIB = 1L << 20;

    private final PrintStream err;
    private final boolean terminal;
    private final LongSupplier nanoClock;

    ConsoleProgress(PrintStream err, boolean terminal, LongSupplier nanoClock) {
        this.err = err;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
    }

    /** Progress on {@link System#err}, with bars when the process runs on a terminal. */
    static ConsoleProgress onStderr() {
        // Java cannot ask whether stderr itself is a terminal; an interactive console is the usual proxy.
        Console console = System.console();
        return new ConsoleProgress(System.err, console != null && console.isTerminal(), System::nanoTime);
    }

    @Override
    public void message(String line) {
        err.println(line);
    }

    @Override
    public Task task(String label, String unit, long total) {
        return new CountedTask(label, unit, total);
    }

    @Override
    public FileRead reading(String file, long bytes) {
        return new Read(file, bytes);
    }

    /** Counted work, advanced from any thread: at most one thread prints per interval. */
    private final class CountedTask implements Task {
        private final String label;
        private final String unit;
        private final long total;
        private final long startNanos = nanoClock.getAsLong();
        private final AtomicLong done = new AtomicLong();
        private final AtomicLong nextReport = new AtomicLong(startNanos + TASK_QUIET.toNanos());
        private ProgressBar bar;

        CountedTask(String label, String unit, long total) {
            this.label = label;
            this.unit = unit;
            this.total = Math.max(1, total);
        }

        @Override
        public void advance(long n) {
            long now = nanoClock.getAsLong();
            long doneNow = done.addAndGet(n);
            long due = nextReport.get();
            if (now - due < 0) {
                return;
            }
            if (terminal) {
                bar(now).stepTo(doneNow);
            } else if (nextReport.compareAndSet(due, now + TASK_INTERVAL.toNanos())) {
                err.printf(Locale.ROOT, "%s: %,d of %,d %s (%d%%), %ds%n", label, doneNow, total, unit,
                        doneNow * 100 / total, (now - startNanos) / 1_000_000_000L);
            }
        }

        private synchronized ProgressBar bar(long now) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(total).setUnit(" " + unit, 1)
                        .setConsumer(new ConsoleProgressBarConsumer(err)).showSpeed()
                        .startsFrom(0, Duration.ofNanos(now - startNanos)).build();
            }
            return bar;
        }

        /** Ends the bar, if one was shown; plain lines end without a last one. */
        @Override
        public synchronized void close() {
            if (bar != null) {
                bar.stepTo(done.get());
                bar.close();
            }
        }
    }

    /** A file read, reported from the thread that reads. */
    private final class Read implements FileRead {
        private final String label;
        private final long totalBytes;
        private final long startNanos = nanoClock.getAsLong();
        private ProgressBar bar;
        private long lastPlainNanos;
        private boolean plainPrinted;
        private long lines;
        private boolean complete;

        Read(String label, long totalBytes) {
            this.label = label;
            this.totalBytes = Math.max(1, totalBytes);
        }

        @Override
        public void update(long bytesRead, long linesRead) {
            lines = linesRead;
            long now = nanoClock.getAsLong();
            long elapsed = now - startNanos;
            if (elapsed < READ_QUIET.toNanos()) {
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
            } else if (!plainPrinted || now - lastPlainNanos >= READ_INTERVAL.toNanos()) {
                err.printf(Locale.ROOT, "reading %s: %d%% (%,d of %,d MiB, %,d lines, %ds)%n", label,
                        Math.min(100, bytesRead * 100 / totalBytes), bytesRead / MIB, totalBytes / MIB, linesRead,
                        elapsed / 1_000_000_000L);
                plainPrinted = true;
                lastPlainNanos = now;
            }
        }

        @Override
        public void finished(long linesRead) {
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
}
