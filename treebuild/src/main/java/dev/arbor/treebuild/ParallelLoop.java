package dev.arbor.treebuild;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Index loops on one ForkJoinPool. A loop started from a worker of that pool forks into the same pool, so
 * loops over items inside loops over nodes share the threads instead of oversubscribing them.
 */
final class ParallelLoop {

    private final ForkJoinPool pool;

    ParallelLoop(ForkJoinPool pool) {
        this.pool = pool;
    }

    int parallelism() {
        return pool.getParallelism();
    }

    /** Runs {@code body} for every index in {@code [0, count)} and returns when all have finished. */
    void forEach(int count, IntConsumer body) {
        if (count == 1) {
            body.accept(0);
            return;
        }
        Range range = new Range(0, count, body);
        if (ForkJoinTask.getPool() == pool) {
            range.invoke();
        } else {
            pool.invoke(range);
        }
    }

    private static final class Range extends RecursiveAction {
        private final int from;
        private final int to;
        private final IntConsumer body;

        Range(int from, int to, IntConsumer body) {
            this.from = from;
            this.to = to;
            this.body = body;
        }

        @Override
        protected void compute() {
            if (to - from == 1) {
                body.accept(from);
            } else {
                int mid = (from + to) >>> 1;
                invokeAll(new Range(from, mid, body), new Range(mid, to, body));
            }
        }
    }
}
