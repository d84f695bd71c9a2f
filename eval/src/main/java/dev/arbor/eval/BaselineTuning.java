package dev.arbor.eval;

import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.HeldOutUsers;
import dev.arbor.progress.ProgressListener;

import java.util.Locale;

/**
 * The baselines tuned as TDM is, on the validation users and never on the test users: Item-CF over its
 * neighbourhood size and normalisation exponent, the two-tower over its epochs. Each candidate is scored by recall
 * at {@link #K} of its top K on the validation users; the best is refitted (Item-CF) or kept (two-tower) and each
 * trial is a line to the progress listener.
 */
public final class BaselineTuning {

    /** The validation recall's K, the same as {@code arbor train}'s default convergence criterion. */
    public static final int K = 50;
    static final int[] NEIGHBOURS = {10, 20, 50, 100, 200, 500};
    static final double[] ALPHAS = {0.5, 0.75, 1.0};
    static final int[] TWO_TOWER_EPOCHS = {1, 2, 5, 10};

    /** A tuned baseline, what it was tuned to, and its validation recall. */
    public record Tuned<R extends Recommender>(R recommender, String settings, double validationRecall) {
    }

    private BaselineTuning() {
    }

    /** Item-CF with the neighbourhood size and exponent that maximise the validation users' R@{@link #K}. */
    public static Tuned<ItemCf> itemCf(DataSplit split, int threads, ProgressListener progress) {
        Trials<ItemCf> trials = new Trials<>("Item-CF", requireValidation(split), threads, progress);
        Histories histories = Histories.of(split, true);
        for (double alpha : ALPHAS) {
            for (int n : NEIGHBOURS) {
                trials.score(ItemCf.fit(histories, n, alpha, threads, ProgressListener.SILENT),
                        String.format(Locale.ROOT, "%d neighbours, alpha %.2f", n, alpha));
            }
        }
        return trials.best();
    }

    /** The two-tower with the number of epochs (from {@code base}'s other options) that maximises validation R@K. */
    public static Tuned<TwoTower> twoTower(DataSplit split, TwoTowerOptions base, int threads,
                                           ProgressListener progress) {
        Trials<TwoTower> trials = new Trials<>("two-tower", requireValidation(split), threads, progress);
        for (int epochs : TWO_TOWER_EPOCHS) {
            trials.score(TwoTower.train(split, base.withEpochs(epochs), ProgressListener.SILENT), epochs + " epochs");
        }
        return trials.best();
    }

    /** Scores candidates on the validation users, logs each, and keeps the first with the highest recall. */
    private static final class Trials<R extends Recommender> {
        private final String name;
        private final HeldOutUsers validation;
        private final Evaluator evaluator;
        private final ProgressListener progress;
        private Tuned<R> best;

        Trials(String name, HeldOutUsers validation, int threads, ProgressListener progress) {
            this.name = name;
            this.validation = validation;
            this.evaluator = new Evaluator().withKs(K).withThreads(threads).withProgress(ProgressListener.SILENT);
            this.progress = progress;
        }

        void score(R candidate, String settings) {
            double recall = evaluator.evaluate(candidate, validation).recall(K);
            progress.message(String.format(Locale.ROOT, "baseline tuning: %s %s: validation R@%d %.2f%%", name,
                    settings, K, 100 * recall));
            if (best == null || recall > best.validationRecall()) {
                best = new Tuned<>(candidate, settings, recall);
            }
        }

        Tuned<R> best() {
            return best;
        }
    }

    private static HeldOutUsers requireValidation(DataSplit split) {
        if (split.validation().size() == 0) {
            throw new IllegalArgumentException("tuning a baseline needs validation users, and this split has none");
        }
        return split.validation();
    }
}
