package dev.arbor.latticetrain;

import dev.arbor.dataset.TrainingSamples;
import dev.arbor.nn.AdamConfig;
import dev.arbor.nn.Convergence;
import dev.arbor.progress.ProgressListener;

/**
 * The E-step: the paths held fixed, epochs of minibatch steps on the model and the reranker together. With a
 * {@link Validation}, training runs to convergence as the tree's does: after each epoch the validation users' score is
 * measured; an epoch without a gain halves the learning rate, {@code patience} such epochs in a row stop it, and the
 * model ends at its best epoch. A time budget stops it in any case.
 */
public final class EStep {
    /**
     * @param epochs            passes over the (shuffled) samples; the most there may be with a validation
     * @param samplesPerEpoch   cap on samples per epoch, 0 for all
     * @param batchSamples      samples per optimiser step
     * @param learningRate      Adam's learning rate
     * @param threads           data-parallel workers
     * @param seed              shuffling and negative sampling
     * @param patience          epochs in a row without a validation gain that stop training
     * @param timeBudgetSeconds training stops once this much time has passed (infinite for none)
     * @param negatives         the reranker's sampled negatives per sample
     */
    public record Config(int epochs, int samplesPerEpoch, int batchSamples, float learningRate, int threads, long seed,
                         int patience, double timeBudgetSeconds, int negatives) {
        public Config {
            if (epochs < 1 || batchSamples < 1 || samplesPerEpoch < 0 || threads < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("invalid training config " + epochs + " epochs, " + samplesPerEpoch
                        + " samples/epoch, batch " + batchSamples + ", lr " + learningRate + ", " + threads + " threads");
            }
            if (patience < 1) {
                throw new IllegalArgumentException("patience must be at least 1 epoch, got " + patience);
            }
            if (!(timeBudgetSeconds > 0)) {
                throw new IllegalArgumentException("a time budget must be more than 0 seconds, got " + timeBudgetSeconds);
            }
            if (negatives < 1) {
                throw new IllegalArgumentException("the reranker needs at least one negative per sample, got " + negatives);
            }
        }

        Config withSeed(long newSeed) {
            return new Config(epochs, samplesPerEpoch, batchSamples, learningRate, threads, newSeed, patience,
                    timeBudgetSeconds, negatives);
        }
    }

    /** Scores the model as it stands after an epoch on the validation users; higher is better. */
    public interface Validation {
        double score(TrainableLattice model);

        /** What {@link #score} measures, for the epoch lines. */
        String name();
    }

    /**
     * What an E-step did.
     *
     * @param pathLoss   the last epoch's mean structure loss, {@code −log Σ_j p(π_j(y) | x)}
     * @param rerankLoss the last epoch's mean reranker loss
     * @param epochs     epochs run
     * @param bestEpoch  the epoch (1-based) the model holds; the last one without a validation
     * @param bestScore  its validation score, NaN without a validation
     * @param stopReason "epochs", "patience" or "time budget"
     */
    public record Outcome(double pathLoss, double rerankLoss, int epochs, int bestEpoch, double bestScore,
                          String stopReason) {
    }

    private EStep() {
    }

    /**
     * Trains {@code model} on {@code samples} against {@code itemPaths} (J slots of D codes per item, as
     * {@code LatticeIndex} holds them), each epoch's summary and a line every few seconds within it to
     * {@code progress}. {@code validation} may be null.
     */
    public static Outcome train(TrainableLattice model, TrainingSamples samples, int[] itemPaths, int pathsPerItem,
                                Config config, ProgressListener progress, Validation validation) {
        ItemProposal proposal = new ItemProposal(samples, model.itemCount());
        int perEpoch = config.samplesPerEpoch() == 0 ? samples.size() : Math.min(samples.size(), config.samplesPerEpoch());
        if (perEpoch == 0) {
            throw new IllegalArgumentException("no training samples: every training user's history is shorter than the"
                    + " minimum");
        }
        Convergence convergence = new Convergence(config.patience(), config.timeBudgetSeconds());
        double pathLoss = Double.NaN, rerankLoss = Double.NaN;
        try (LatticeTrainer trainer = new LatticeTrainer(model, AdamConfig.of(config.learningRate()), config.threads(),
                pathsPerItem, config.negatives())) {
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                samples.shuffle(config.seed() * 31 + epoch);
                long started = System.nanoTime(), lastReport = started;
                double pathSum = 0, rerankSum = 0;
                int steps = 0, done = 0;
                boolean outOfTime = false;
                for (int from = 0; from < perEpoch && !outOfTime; from += config.batchSamples()) {
                    int to = Math.min(perEpoch, from + config.batchSamples());
                    LatticeTrainer.StepLoss loss = trainer.step(samples, from, to, itemPaths, proposal,
                            config.seed() * 1_000_003L + (long) epoch * perEpoch + from);
                    pathSum += loss.path();
                    rerankSum += loss.rerank();
                    steps++;
                    done = to;
                    long now = System.nanoTime();
                    outOfTime = convergence.outOfTime();
                    if (now - lastReport > 5_000_000_000L) {
                        lastReport = now;
                        progress.message(String.format("  epoch %d/%d: %,d/%,d samples, path loss %.4f, rerank loss"
                                + " %.4f, %,.0f samples/s", epoch + 1, config.epochs(), to, perEpoch, pathSum / steps,
                                rerankSum / steps, to / ((now - started) / 1e9)));
                    }
                }
                pathLoss = pathSum / Math.max(1, steps);
                rerankLoss = rerankSum / Math.max(1, steps);
                String summary = String.format("  epoch %d/%d done: path loss %.4f, rerank loss %.4f, %,d samples in"
                        + " %.1f s", epoch + 1, config.epochs(), pathLoss, rerankLoss, done,
                        (System.nanoTime() - started) / 1e9);
                if (validation == null) {
                    progress.message(summary);
                    convergence.epochDone();
                } else {
                    double score = validation.score(model);
                    Convergence.Verdict verdict = convergence.epochDone(score, model::checkpoint);
                    progress.message(String.format("%s, %s %.2f%%%s, lr %.2g, %.0f s in all", summary, validation.name(),
                            100 * score, verdict == Convergence.Verdict.GAIN ? " (best)" : "", trainer.learningRate(),
                            convergence.elapsedSeconds()));
                    if (verdict == Convergence.Verdict.STOP) {
                        break;
                    } else if (verdict == Convergence.Verdict.PLATEAU) {
                        trainer.decayLearningRate(Convergence.PLATEAU_DECAY);
                    }
                }
                if (convergence.stopForTime(outOfTime)) {
                    break;
                }
            }
        }
        float[][] best = convergence.checkpointToRestore();
        if (best != null) {
            model.restore(best);
        }
        if (validation != null) {
            progress.message(convergence.stoppedLine(validation.name()));
        }
        return new Outcome(pathLoss, rerankLoss, convergence.epochs(), convergence.bestEpoch(), convergence.bestScore(),
                convergence.stopReason());
    }
}
