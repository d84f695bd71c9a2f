package dev.arbor.bench.harness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** Timed loops on one or more threads, and the statistics of their samples. */
final class Timing {
    /** Fewest samples per cell, however slow one operation is. */
    static final int MIN_SAMPLES = 5;

    private Timing() {
    }

    /** One operation: iteration {@code i} of the thread that owns it (state lives in the operation). */
    interface Operation {
        void run(int i) throws Exception;
    }

    /** Per-operation latencies in nanoseconds and the wall time in which all threads ran them. */
    record Samples(long[] nanos, long wallNanos) {
        Samples {
            nanos = nanos.clone();
            Arrays.sort(nanos);
        }

        int count() {
            return nanos.length;
        }

        /** Nearest-rank percentile in milliseconds (p = 0.5, 0.99, ...). */
        double percentileMs(double p) {
            int rank = (int) Math.ceil(p * nanos.length);
            return nanos[Math.clamp(rank - 1, 0, nanos.length - 1)] / 1e6;
        }

        double meanMs() {
            return Arrays.stream(nanos).average().orElse(0) / 1e6;
        }

        double perSecond() {
            return nanos.length / (wallNanos / 1e9);
        }
    }

    private record ThreadRun(long[] nanos, long endNanos) {
    }

    /**
     * Runs {@code operations.apply(t)} on each of {@code threads} threads: a warm-up of a quarter of
     * {@code seconds} (at least {@link #MIN_SAMPLES} operations), then, all threads started together,
     * operations until {@code seconds} have passed and each thread has run its share of
     * {@link #MIN_SAMPLES}. Iteration numbers interleave across threads (thread t runs t, t+threads, ...),
     * so the threads walk through different queries.
     */
    static Samples measure(int threads, double seconds, IntFunction<Operation> operations) {
        Operation[] ops = new Operation[threads];
        for (int t = 0; t < threads; t++) {
            ops[t] = operations.apply(t);
        }
        long[] start = new long[1];
        CyclicBarrier go = new CyclicBarrier(threads, () -> start[0] = System.nanoTime());
        long budget = (long) (seconds * 1e9);
        int minPerThread = Math.ceilDiv(MIN_SAMPLES, threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<ThreadRun>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<ThreadRun> body = () -> {
                    try {
                        return runThread(ops[thread], thread, threads, go, start, budget, minPerThread);
                    } catch (Exception | Error e) {
                        go.reset(); // release the other threads from the barrier
                        throw e;
                    }
                };
                futures.add(pool.submit(body));
            }
            List<ThreadRun> runs = new ArrayList<>();
            Throwable failure = null;
            for (Future<ThreadRun> f : futures) {
                try {
                    runs.add(f.get());
                } catch (ExecutionException e) {
                    if (failure == null || failure instanceof BrokenBarrierException) {
                        failure = e.getCause();
                    }
                }
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            } else if (failure != null) {
                throw new IllegalStateException("benchmark operation failed: " + failure, failure);
            }
            long end = runs.stream().mapToLong(ThreadRun::endNanos).max().orElseThrow();
            long[] all = runs.stream().flatMapToLong(r -> Arrays.stream(r.nanos())).toArray();
            return new Samples(all, end - start[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ThreadRun runThread(Operation op, int thread, int threads, CyclicBarrier go, long[] start, long budget,
                                       int minPerThread) throws Exception {
        long warmUntil = System.nanoTime() + budget / 4;
        for (int i = 0; i < MIN_SAMPLES || System.nanoTime() < warmUntil; i++) {
            op.run(i * threads + thread);
        }
        go.await();
        long deadline = start[0] + budget;
        long[] samples = new long[64];
        int n = 0;
        long now = System.nanoTime();
        while (n < minPerThread || now < deadline) {
            op.run(n * threads + thread);
            long end = System.nanoTime();
            if (n == samples.length) {
                samples = Arrays.copyOf(samples, n * 2);
            }
            samples[n++] = end - now;
            now = end;
        }
        return new ThreadRun(Arrays.copyOf(samples, n), now);
    }
}
