package dev.arbor.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of worker threads for the evaluation and baseline code. Work is split either into chunks that the
 * workers take in turn ({@link #forChunks}) or one task per worker ({@link #forWorkers}); each task learns its
 * worker index so that callers can keep per-worker scratch in plain arrays. One worker runs inline, without
 * threads, which keeps single-threaded runs and tests free of pool overhead.
 */
final class Parallel implements AutoCloseable {

    private final int workers;
    private final ExecutorService pool;

    Parallel(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("need at least one worker thread, got " + workers);
        }
        this.workers = workers;
        this.pool = workers == 1 ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "arbor-eval");
            t.setDaemon(true);
            return t;
        });
    }

    /** The number of available processors: the default worker count. */
    static int defaultWorkers() {
        return Runtime.getRuntime().availableProcessors();
    }

    int workers() {
        return workers;
    }

    /** A task over the items {@code from .. to} of a range, run by worker {@code worker}. */
    @FunctionalInterface
    interface RangeTask {
        void run(int worker, int from, int to);
    }

    /** A task run once by each worker. */
    @FunctionalInterface
    interface WorkerTask {
        void run(int worker);
    }

    /** Runs {@code task} over {@code [0, n)} in chunks of {@code chunk}, each taken by whichever worker is free. */
    void forChunks(int n, int chunk, RangeTask task) {
        AtomicInteger next = new AtomicInteger();
        forWorkers(worker -> {
            for (int from; (from = next.getAndAdd(chunk)) < n; ) {
                task.run(worker, from, Math.min(n, from + chunk));
            }
        });
    }

    /** Runs {@code task} once on every worker and waits for all; the first failure is rethrown. */
    void forWorkers(WorkerTask task) {
        if (pool == null) {
            task.run(0);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            int worker = w;
            futures.add(pool.submit(() -> task.run(worker)));
        }
        RuntimeException failure = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re
                            : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for workers", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Where worker {@code worker}'s share of an even split of {@code [0, n)} starts (and the previous one's ends). */
    int from(int worker, int n) {
        return (int) ((long) n * worker / workers);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
