package dev.arbor.eval;

import dev.arbor.dataset.HeldOutUsers;
import dev.arbor.nn.Parallel;
import dev.arbor.progress.ProgressListener;
import java.util.function.IntConsumer;

/**
 * Runs a {@link Recommender} over held-out users (the TDM protocol of {@link dev.arbor.dataset.DataSplit}) on all
 * cores and reports precision, recall and F-measure at each K. Each user's input half goes in, the top {@code max K}
 * items come out and are scored against the user's truth half. Input items are excluded from the lists unless
 * {@link #withExcludeInput} says otherwise. Users are processed in fixed chunks whose reports are merged in order, so
 * the figures do not depend on the thread count. Progress goes to the {@link #withProgress listener}, if one is set.
 */
public final class Evaluator {

    /** The cut-offs reported by default. */
    public static final int[] DEFAULT_KS = {10, 50, 200};

    private static final int CHUNK = 32;

    private final int[] ks;
    private final boolean excludeInput;
    private final int threads;
    private final ProgressListener progress;

    private Evaluator(int[] ks, boolean excludeInput, int threads, ProgressListener progress) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.ks = new QualityReport(ks).ks(); // validated and ascending
        this.excludeInput = excludeInput;
        this.threads = threads;
        this.progress = progress;
    }

    /** K = 10, 50, 200; input items excluded; one thread per available processor; no progress reported. */
    public Evaluator() {
        this(DEFAULT_KS, true, Parallel.defaultWorkers(), ProgressListener.SILENT);
    }

    /** A copy that reports at {@code ks}. */
    public Evaluator withKs(int... ks) {
        return new Evaluator(ks, excludeInput, threads, progress);
    }

    /** A copy that removes (true, the default) or keeps the user's input items in the recommendations. */
    public Evaluator withExcludeInput(boolean exclude) {
        return new Evaluator(ks, exclude, threads, progress);
    }

    /** A copy that uses {@code n} threads. */
    public Evaluator withThreads(int n) {
        return new Evaluator(ks, excludeInput, n, progress);
    }

    /** A copy that reports the progress of each run over the users to {@code listener}. */
    public Evaluator withProgress(ProgressListener listener) {
        return new Evaluator(ks, excludeInput, threads, listener);
    }

    /** The quality of {@code recommender}'s top-K lists for {@code users}. */
    public QualityReport evaluate(Recommender recommender, HeldOutUsers users) {
        Recommender model = filtered(recommender);
        int maxK = ks[ks.length - 1];
        QualityReport[] chunks = new QualityReport[(users.size() + CHUNK - 1) / CHUNK];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = new QualityReport(ks);
        }
        forEachUser(users, "evaluating " + recommender.name(),
                i -> chunks[i / CHUNK].add(model.recommend(users.input(i), maxK), users.truth(i)));
        QualityReport total = new QualityReport(ks);
        for (QualityReport chunk : chunks) {
            total.merge(chunk);
        }
        return total;
    }

    /**
     * The mean over {@code users} of the {@link Metrics#fidelity fidelity} of {@code approximate}'s top {@code k} to
     * {@code exact}'s: how much of a model's exact top-K an approximate search (say a beam search in a tree) finds.
     */
    public double fidelity(Recommender approximate, Recommender exact, HeldOutUsers users, int k) {
        Recommender a = filtered(approximate);
        Recommender e = filtered(exact);
        double[] perUser = new double[users.size()];
        forEachUser(users, "fidelity of " + approximate.name(), i -> {
            int[] input = users.input(i);
            perUser[i] = Metrics.fidelity(a.recommend(input, k), e.recommend(input, k));
        });
        double sum = 0;
        for (double f : perUser) {
            sum += f;
        }
        return users.size() == 0 ? 1 : sum / users.size();
    }

    private Recommender filtered(Recommender recommender) {
        return excludeInput ? recommender.excludingInput() : recommender;
    }

    /** Runs {@code perUser} for each held-out user index, chunk by chunk, on {@link #threads} threads. */
    private void forEachUser(HeldOutUsers users, String label, IntConsumer perUser) {
        ProgressListener.Task task = progress.task(label, "users", users.size());
        try (Parallel parallel = new Parallel(threads)) {
            parallel.forChunks(users.size(), CHUNK, (worker, from, to) -> {
                for (int i = from; i < to; i++) {
                    perUser.accept(i);
                }
                task.advance(to - from);
            });
        } finally {
            task.close();
        }
    }
}
