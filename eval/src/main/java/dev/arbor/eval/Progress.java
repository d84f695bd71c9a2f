package dev.arbor.eval;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of a long evaluation or training run as plain lines on stderr, safe to advance from many threads. Runs
 * shorter than {@link #QUIET_NANOS} print nothing, so tests stay silent; after that one line appears every
 * {@link #INTERVAL_NANOS}, which reads well both on a terminal and in a log file.
 */
final class Progress {

    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(3);
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String label;
    private final String unit;
    private final long total;
    private final PrintStream err;
    private final long start = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong nextReport = new AtomicLong(start + QUIET_NANOS);

    Progress(String label, String unit, long total, PrintStream err) {
        this.label = label;
        this.unit = unit;
        this.total = Math.max(1, total);
        this.err = err;
    }

    /** Progress over {@code total} {@code unit}s on {@link System#err}. */
    static Progress start(String label, String unit, long total) {
        return new Progress(label, unit, total, System.err);
    }

    /** Records {@code n} more units done; at most one thread prints per interval. */
    void advance(long n) {
        long now = System.nanoTime();
        long doneNow = done.addAndGet(n);
        long due = nextReport.get();
        if (now - due >= 0 && nextReport.compareAndSet(due, now + INTERVAL_NANOS)) {
            err.printf(Locale.ROOT, "%s: %,d of %,d %s (%d%%), %ds%n", label, doneNow, total, unit,
                    doneNow * 100 / total, TimeUnit.NANOSECONDS.toSeconds(now - start));
        }
    }
}
