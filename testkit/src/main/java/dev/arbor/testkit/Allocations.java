package dev.arbor.testkit;

import java.lang.management.ManagementFactory;

/** Whether a hot path allocates once the JIT has compiled it: the zero-garbage checks of several modules' tests. */
public final class Allocations {
    private static final int ROUND = 200;
    /** The longest warm-up: a call of a few nanoseconds needs many rounds before C2 compiles it on a busy machine. */
    private static final long MAX_WARM_UP_NANOS = 30_000_000_000L;
    /** Bytes per call below which a round counts as allocation-free (a stray event spread over a round). */
    private static final long LIMIT = 16;

    private Allocations() {
    }

    /**
     * Fails unless {@code call} allocates (almost) nothing per call in the steady state. It warms up until a round
     * stops allocating less than the one before: on a busy machine the JIT may still be interpreting, and so allocating
     * what escape analysis later removes, after any fixed count. Then the least of three rounds is the steady state: a
     * real allocation on the hot path shows in every round, a stray compilation event in one at most.
     *
     * @return the steady state's bytes per call
     */
    public static long assertSteadyStateAllocatesNothing(String what, Runnable call) {
        long previous, last = Long.MAX_VALUE;
        int warmUpRounds = 0;
        long deadline = System.nanoTime() + MAX_WARM_UP_NANOS;
        do {
            previous = last;
            last = allocatedPerCall(call);
            warmUpRounds++;
        } while ((last < previous || last >= LIMIT) && System.nanoTime() < deadline);
        long steady = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            steady = Math.min(steady, allocatedPerCall(call));
        }
        System.out.printf("%d B per %s in the steady state, after %d warm-up rounds of %d%n", steady, what,
                warmUpRounds, ROUND);
        if (steady >= LIMIT) {
            throw new AssertionError("a " + what + " allocated " + steady + " bytes in the steady state (after "
                    + warmUpRounds + " warm-up rounds of " + ROUND + "; the last warm-up round allocated " + last
                    + " bytes per " + what + ")");
        }
        return steady;
    }

    /** Bytes this thread allocates per call of {@code call}, averaged over one round. */
    private static long allocatedPerCall(Runnable call) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < ROUND; i++) {
            call.run();
        }
        return (mx.getCurrentThreadAllocatedBytes() - before) / ROUND;
    }
}
