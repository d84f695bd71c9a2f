package dev.arbor.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of workers for the training, evaluation and baseline code: the caller's thread is worker 0 and a
 * pool of daemon threads the others. Work is split either into chunks that the workers take in turn
 * ({@link #forChunks}) or one task per worker ({@link #forWorkers}); each task learns its worker index so that
 * callers can keep per-worker scratch in plain arrays. One worker runs inline, without threads, which keeps
 * single-threaded runs and tests free of pool overhead.
 *
 * <p>One loop at a time; {@link #close()} stops the pool's threads.
 */
public final class Parallel implements AutoCloseable {

    private final int workers;
    private final ExecutorService pool;

    public Parallel(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("need at least one worker thread, got " + workers);
        }
        this.workers = workers;
        this.pool = workers == 1 ? null : Executors.newFixedThreadPool(workers - 1, r -> {
            Thread t = new Thread(r, "arbor-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** The number of available processors: the default worker count. */
    public static int defaultWorkers() {
        return Runtime.getRuntime().availableProcessors();
    }

    public int workers() {
        return workers;
    }

    /** A task over the items {@code from .. to} of a range, run by worker {@code worker}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int worker, int from, int to);
    }

    /** A task run once by each worker. */
    @FunctionalInterface
    public interface WorkerTask {
        void run(int worker);
    }

    /** Runs {@code task} over {@code [0, n)} in chunks of {@code chunk}, each taken by whichever worker is free. */
    public void forChunks(int n, int chunk, RangeTask task) {
        AtomicInteger next = new AtomicInteger();
        forWorkers(worker -> {
            for (int from; (from = next.getAndAdd(chunk)) < n; ) {
                task.run(worker, from, Math.min(n, from + chunk));
            }
        });
    }

    /**
     * Runs {@code task} once on every worker, worker 0 on the caller's thread, and waits for all; the first
     * failure (worker 0's, else in worker order) is rethrown.
     */
    public void forWorkers(WorkerTask task) {
        if (pool == null) {
            task.run(0);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(workers - 1);
        for (int w = 1; w < workers; w++) {
            int worker = w;
            futures.add(pool.submit(() -> task.run(worker)));
        }
        Throwable failure = null;
        try {
            task.run(0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** Where worker {@code worker}'s share of an even split of {@code [0, n)} starts (and the previous one's ends). */
    public int from(int worker, int n) {
        return (int) ((long) n * worker / workers);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
