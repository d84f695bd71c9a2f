package dev.arbor.testkit;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small seeded property runner: checks a property on many random cases, each with its own seed, and
 * names the seed of the first case that fails or hangs, so the failure can be replayed alone.
 *
 * <p>System properties, so the suite runs a short pass and a long one is a flag away:
 * <ul>
 *   <li>{@code arbor.fuzz.tries}: cases per property (default: the property's own, a few hundred);</li>
 *   <li>{@code arbor.fuzz.seed}: the run's base seed (default fixed, so the suite is deterministic;
 *       {@code random} draws one and prints it);</li>
 *   <li>{@code arbor.fuzz.case}: run only the case with this seed (as printed by a failure);</li>
 *   <li>{@code arbor.fuzz.caseTimeoutMs}: a case running longer counts as a hang (default 120000: generous, so a busy machine is not mistaken for a hang).</li>
 * </ul>
 */
public final class Fuzz {
    public static final String TRIES = "arbor.fuzz.tries";
    public static final String SEED = "arbor.fuzz.seed";
    public static final String CASE = "arbor.fuzz.case";
    public static final String CASE_TIMEOUT_MS = "arbor.fuzz.caseTimeoutMs";
    private static final long DEFAULT_SEED = 0x5EED_A4B0_4L;

    /** One case of a property; throwing anything fails it. */
    @FunctionalInterface
    public interface Property {
        void check(SplittableRandom random) throws Exception;
    }

    private Fuzz() {
    }

    /**
     * Runs {@code property} on {@code defaultTries} cases (or as the system properties say) and returns
     * how many ran. Each case runs on a worker thread so that a hang fails the run instead of stalling it.
     *
     * @throws AssertionError naming the case seed when a case fails or exceeds the case timeout
     */
    public static int forAll(String name, int defaultTries, Property property) {
        String only = System.getProperty(CASE);
        long base = baseSeed(name);
        int tries = only != null ? 1 : Integer.getInteger(TRIES, defaultTries);
        Duration timeout = Duration.ofMillis(Long.getLong(CASE_TIMEOUT_MS, 120_000));
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-" + name);
            t.setDaemon(true); // a hung case must not keep the JVM alive
            return t;
        });
        try {
            for (int i = 0; i < tries; i++) {
                long seed = only != null ? Long.parseLong(only) : caseSeed(base + name.hashCode(), i);
                Future<?> result = worker.submit(() -> {
                    property.check(new SplittableRandom(seed));
                    return null;
                });
                try {
                    result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    throw new AssertionError(describe(name, i, tries, base, seed) + " failed: " + cause, cause);
                } catch (TimeoutException e) {
                    result.cancel(true);
                    throw new AssertionError(describe(name, i, tries, base, seed) + " did not finish within " + timeout
                            + ": a hang");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(name + " was interrupted", e);
                }
            }
        } finally {
            worker.shutdownNow();
        }
        return tries;
    }

    private static long baseSeed(String name) {
        String s = System.getProperty(SEED);
        if (s == null) {
            return DEFAULT_SEED;
        }
        if (s.equals("random")) {
            long seed = new SplittableRandom().nextLong();
            System.out.println(name + ": base seed " + seed + " (-D" + SEED + "=" + seed + " repeats this run)");
            return seed;
        }
        return Long.parseLong(s);
    }

    /** Spreads consecutive case numbers over the whole seed space (SplitMix64 finaliser). */
    private static long caseSeed(long base, int i) {
        long z = base + 0x9E3779B97F4A7C15L * (i + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static String describe(String name, int i, int tries, long base, long seed) {
        return name + ": case " + (i + 1) + " of " + tries + " (base seed " + base + "; replay alone with -D" + CASE
                + "=" + seed + ")";
    }
}
