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
    static final int[] NEIGHBOURS = {20, 50, 100, 200, 500};
    static final double[] ALPHAS = {0.5, 0.75, 1.0};
    static final int[] TWO_TOWER_EPOCHS = {1, 2, 5, 10};

    /** A tuned baseline, what it was tuned to, and its validation recall. */
    public record Tuned<R extends Recommender>(R recommender, String settings, double validationRecall) {
    }

    private BaselineTuning() {
    }

    /** Item-CF with the neighbourhood size and exponent that maximise the validation users' R@{@link #K}. */
    public static Tuned<ItemCf> itemCf(DataSplit split, int threads, ProgressListener progress) {
        HeldOutUsers validation = requireValidation(split);
        Histories histories = Histories.of(split, true);
        Evaluator evaluator = new Evaluator().withKs(K).withThreads(threads).withProgress(ProgressListener.SILENT);
        ItemCf best = null;
        String bestSettings = null;
        double bestRecall = -1;
        for (double alpha : ALPHAS) {
            for (int n : NEIGHBOURS) {
                ItemCf fitted = ItemCf.fit(histories, n, alpha, threads, ProgressListener.SILENT);
                double recall = evaluator.evaluate(fitted, validation).recall(K);
                String settings = String.format(Locale.ROOT, "%d neighbours, alpha %.2f", n, alpha);
                progress.message(String.format(Locale.ROOT, "baseline tuning: Item-CF %s: validation R@%d %.2f%%",
                        settings, K, 100 * recall));
                if (recall > bestRecall) {
                    best = fitted;
                    bestSettings = settings;
                    bestRecall = recall;
                }
            }
        }
        return new Tuned<>(best, bestSettings, bestRecall);
    }

    /** The two-tower with the number of epochs (from {@code base}'s other options) that maximises validation R@K. */
    public static Tuned<TwoTower> twoTower(DataSplit split, TwoTowerOptions base, int threads,
                                           ProgressListener progress) {
        HeldOutUsers validation = requireValidation(split);
        Evaluator evaluator = new Evaluator().withKs(K).withThreads(threads).withProgress(ProgressListener.SILENT);
        TwoTower best = null;
        String bestSettings = null;
        double bestRecall = -1;
        for (int epochs : TWO_TOWER_EPOCHS) {
            TwoTower tower = TwoTower.train(split, base.withEpochs(epochs), ProgressListener.SILENT);
            double recall = evaluator.evaluate(tower, validation).recall(K);
            String settings = epochs + " epochs";
            progress.message(String.format(Locale.ROOT, "baseline tuning: two-tower %s: validation R@%d %.2f%%",
                    settings, K, 100 * recall));
            if (recall > bestRecall) {
                best = tower;
                bestSettings = settings;
                bestRecall = recall;
            }
        }
        return new Tuned<>(best, bestSettings, bestRecall);
    }

    private static HeldOutUsers requireValidation(DataSplit split) {
        if (split.validation().size() == 0) {
            throw new IllegalArgumentException("tuning a baseline needs validation users, and this split has none");
        }
        return split.validation();
    }
}
