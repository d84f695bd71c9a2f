package dev.arbor.jobs;

import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.progress.ProgressListener;
import dev.arbor.treetrain.TdmRounds;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code arbor train --tune BUDGET}: searches the hyperparameters that matter most for TDM, on the validation
 * users and within a time budget, before the real training. The grid is the learning rate (the given one, twice
 * it, half it), the negatives' scale (the given one, three times it) and the embeddings' initial std (the default
 * 0.01 and 0.1). Trials run the given options first, then the rest of the grid in a fixed order, each one round of
 * training to convergence from the first tree under an equal share of the budget, until the budget is spent; every
 * trial is a line of the table written to the progress listener. The best validation score wins.
 */
final class HyperparameterSearch {

    /** Less than this per trial would not finish an epoch on the smallest data sets; a smaller budget is an error. */
    static final double MIN_TRIAL_SECONDS = 15;
    static final float[] LEARNING_RATE_FACTORS = {1f, 2f, 0.5f};
    static final double[] NEGATIVE_SCALE_FACTORS = {1, 3};
    static final float[] EMBEDDING_STDS = {0.01f, 0.1f};

    /** One trial's settings and what it reached. */
    record Trial(float learningRate, double negativeScale, float embeddingStd, int epochs, double score, double seconds) {
    }

    /** The winner's options (with the base's rounds and budget) and every trial, in the order they ran. */
    record Result(TdmRounds.Options best, List<Trial> trials) {
    }

    private HyperparameterSearch() {
    }

    /** Checks a budget before any work: it must be positive and leave at least {@link #MIN_TRIAL_SECONDS} to one trial. */
    static void checkBudget(double budgetSeconds) {
        if (!(budgetSeconds >= MIN_TRIAL_SECONDS)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "a tuning budget of %s s is too small for one trial, which needs at least %.0f s", budgetSeconds,
                    MIN_TRIAL_SECONDS));
        }
    }

    /** The grid in trial order, the given options' own settings first. */
    static List<TdmRounds.Options> grid(TdmRounds.Options base) {
        List<TdmRounds.Options> grid = new ArrayList<>();
        grid.add(base);
        for (float std : EMBEDDING_STDS) {
            for (double scale : NEGATIVE_SCALE_FACTORS) {
                for (float lr : LEARNING_RATE_FACTORS) {
                    TdmRounds.Options trial = base.withTrial(base.training().learningRate() * lr,
                            base.negativeScale() * scale, std);
                    if (!trial.equals(base)) {
                        grid.add(trial);
                    }
                }
            }
        }
        return grid;
    }

    /** Runs the trials and returns the best and all of them; the table of trials goes to {@code progress}. */
    static Result search(InteractionLog log, DataSplit split, TdmRounds.Options base,
                                    TdmRounds.IndexValidation validation, TdmRounds.FirstTree first,
                                    double budgetSeconds, ProgressListener progress) {
        checkBudget(budgetSeconds);
        List<TdmRounds.Options> grid = grid(base);
        double perTrial = Math.max(MIN_TRIAL_SECONDS, budgetSeconds / grid.size());
        progress.message(String.format(Locale.ROOT, "tune: up to %d trials of %.0f s each on the validation users (%s),"
                + " budget %.0f s", grid.size(), perTrial, validation.name(), budgetSeconds));
        progress.message("| trial | learning rate | negative scale | embedding std | epochs | " + validation.name()
                + " | seconds |");
        progress.message("|---|--:|--:|--:|--:|--:|--:|");
        long started = System.nanoTime();
        List<Trial> trials = new ArrayList<>();
        TdmRounds.Options best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        int epochCap = 0;
        for (TdmRounds.Options options : grid) {
            double elapsed = (System.nanoTime() - started) / 1e9;
            if (!trials.isEmpty() && elapsed + elapsed / trials.size() > budgetSeconds) {
                break; // the next trial, as long as the mean one so far, would overrun the budget
            }
            long t = System.nanoTime();
            List<TdmRounds.Round> rounds = new ArrayList<>();
            TdmRounds.Options trialOptions = trials.isEmpty() ? options.withRoundsAndBudget(1, perTrial)
                    : options.withRoundsAndEpochs(1, epochCap);
            TdmRounds.run(log, split, trialOptions, Map.of(), ProgressListener.SILENT, validation, first, rounds::add);
            TdmRounds.Round round = rounds.get(0);
            Trial trial = new Trial(options.training().learningRate(), options.negativeScale(), options.embeddingStd(),
                    round.training().epochs(), round.training().bestScore(), (System.nanoTime() - t) / 1e9);
            trials.add(trial);
            if (trials.size() == 1) {
                epochCap = trial.epochs();
            }
            progress.message(String.format(Locale.ROOT, "| %d | %.4g | %.3g | %.3g | %d | %.2f%% | %.0f |", trials.size(),
                    trial.learningRate(), trial.negativeScale(), trial.embeddingStd(), trial.epochs(),
                    100 * trial.score(), trial.seconds()));
            if (trial.score() > bestScore) {
                bestScore = trial.score();
                best = options;
            }
        }
        progress.message(String.format(Locale.ROOT, "tune: %d of %d trials in %.0f s; best: learning rate %.4g, negative"
                        + " scale %.3g, embedding std %.3g (%s %.2f%%)", trials.size(), grid.size(),
                (System.nanoTime() - started) / 1e9, best.training().learningRate(), best.negativeScale(),
                best.embeddingStd(), validation.name(), 100 * bestScore));
        return new Result(best, List.copyOf(trials));
    }
}
