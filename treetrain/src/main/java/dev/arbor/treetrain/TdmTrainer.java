package dev.arbor.treetrain;

import dev.arbor.format.HierarchicalHistory;
import dev.arbor.format.TreeShape;
import dev.arbor.dataset.TrainingSamples;
import dev.arbor.nn.AdamConfig;
import dev.arbor.nn.Convergence;
import dev.arbor.nn.Batch;
import dev.arbor.nn.Loss;
import dev.arbor.nn.TrainableModel;
import dev.arbor.nn.MinibatchTrainer;
import dev.arbor.progress.ProgressListener;
import java.util.SplittableRandom;

/**
 * Trains a {@link TrainableModel} on TDM's layer-wise samples for a fixed tree: each sliding-window
 * sample's history is one group, scored against the positive and negatives of every level.
 *
 * <p>With a {@link Validation}, training runs to convergence: after every epoch the validation users' score is
 * measured; an epoch that does not improve it halves the learning rate, {@code patience} such epochs in a row
 * stop training, and the model ends at its best epoch's checkpoint. A time budget stops it early in any case.
 */
public final class TdmTrainer {

    /**
     * @param epochs            passes over the (shuffled) samples; with a {@link Validation}, the most there may be
     * @param samplesPerEpoch   cap on samples per epoch, 0 for all: the knob that bounds training time
     * @param batchSamples      samples per optimiser step
     * @param learningRate      Adam's learning rate
     * @param threads           data-parallel workers
     * @param seed              shuffling and negative sampling
     * @param patience          with a {@link Validation}: epochs in a row without improvement that stop training
     * @param timeBudgetSeconds training stops once this much time has passed (infinite for no budget)
     * @param weightDecay       decoupled weight decay of the weight matrices and embeddings (0 for none)
     * @param loss              the objective over each sample's pairs
     */
    public record Config(int epochs, int samplesPerEpoch, int batchSamples, float learningRate, int threads, long seed,
                         int patience, double timeBudgetSeconds, float weightDecay, Loss loss) {
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
            if (!(weightDecay >= 0f && weightDecay < 1f)) {
                throw new IllegalArgumentException("weight decay must be in [0, 1), got " + weightDecay);
            }
            java.util.Objects.requireNonNull(loss, "loss");
        }

        /** The binary (logistic) loss, as in the TDM paper. */
        public Config(int epochs, int samplesPerEpoch, int batchSamples, float learningRate, int threads, long seed,
                      int patience, double timeBudgetSeconds, float weightDecay) {
            this(epochs, samplesPerEpoch, batchSamples, learningRate, threads, seed, patience, timeBudgetSeconds,
                    weightDecay, Loss.BINARY);
        }

        /** A fixed number of epochs, no time budget (patience 1 applies only with a {@link Validation}). */
        public Config(int epochs, int samplesPerEpoch, int batchSamples, float learningRate, int threads, long seed) {
            this(epochs, samplesPerEpoch, batchSamples, learningRate, threads, seed, 1, Double.POSITIVE_INFINITY, 0f);
        }

        /** This config with another learning rate. */
        public Config withLearningRate(float rate) {
            return new Config(epochs, samplesPerEpoch, batchSamples, rate, threads, seed, patience, timeBudgetSeconds,
                    weightDecay, loss);
        }

        /** This config with at most {@code n} epochs and no time budget. */
        public Config withEpochsOnly(int n) {
            return new Config(n, samplesPerEpoch, batchSamples, learningRate, threads, seed, patience,
                    Double.POSITIVE_INFINITY, weightDecay, loss);
        }

        /** This config with another time budget. */
        public Config withTimeBudget(double seconds) {
            return new Config(epochs, samplesPerEpoch, batchSamples, learningRate, threads, seed, patience, seconds,
                    weightDecay, loss);
        }

        /** This config with another seed. */
        public Config withSeed(long newSeed) {
            return new Config(epochs, samplesPerEpoch, batchSamples, learningRate, threads, newSeed, patience,
                    timeBudgetSeconds, weightDecay, loss);
        }
    }

    /** Scores the model as it stands after an epoch on the validation users; higher is better. */
    @FunctionalInterface
    public interface Validation {
        /** The score, for example recall at K of beam search; {@link #name()} says what it is. */
        double score(TrainableModel model);

        /** What {@link #score} measures, for the epoch lines: "validation R@50". */
        default String name() {
            return "validation score";
        }
    }

    /**
     * What training did.
     *
     * @param loss       mean loss of the last epoch
     * @param epochs     epochs run (the last one may have been cut short by the time budget)
     * @param bestEpoch  the epoch (1-based) whose checkpoint the model holds; the last one without a validation
     * @param bestScore  its validation score, NaN without a validation
     * @param stopReason why training stopped: "epochs", "patience" or "time budget"
     */
    public record Outcome(double loss, int epochs, int bestEpoch, double bestScore, String stopReason) {
    }

    private TdmTrainer() {
    }

    /** Sample {@code sample}'s history as the model reads it: each behaviour's leaf node, -1 for an empty slot. */
    static void historyNodes(TrainingSamples samples, int sample, TreeShape shape, int[] itemToLeaf, int[] out) {
        samples.history(sample, out, 0);
        for (int i = 0; i < out.length; i++) {
            out[i] = out[i] < 0 ? -1 : shape.leafNode(itemToLeaf[out[i]]);
        }
    }

    /** {@link #train(TrainableModel, TrainingSamples, TreeShape, int[], PairSampler, Config, ProgressListener, Validation)} for the configured epochs, without validation. */
    public static Outcome train(TrainableModel model, TrainingSamples samples, TreeShape shape, int[] itemToLeaf,
                                PairSampler sampler, Config config, ProgressListener progress) {
        return train(model, samples, shape, itemToLeaf, sampler, config, progress, null);
    }

    /**
     * Trains epoch by epoch, to convergence on {@code validation} when there is one (see the class comment). Each
     * epoch's summary, and a line of progress every few seconds within it, go to {@code progress}.
     */
    public static Outcome train(TrainableModel model, TrainingSamples samples, TreeShape shape, int[] itemToLeaf,
                                PairSampler sampler, Config config, ProgressListener progress,
                                Validation validation) {
        return train(model, samples, shape, itemToLeaf, sampler, config, progress, validation, null);
    }

    /**
     * As above; with a {@code hierarchy} (JTM's hierarchical user preference) each sample's pairs are regrouped so
     * that every node is scored against the history as its level reads it ({@link HierarchicalGroups}).
     */
    public static Outcome train(TrainableModel model, TrainingSamples samples, TreeShape shape, int[] itemToLeaf,
                                PairSampler sampler, Config config, ProgressListener progress,
                                Validation validation, HierarchicalHistory hierarchy) {
        int historyLength = model.architecture().historyLength();
        int[] history = new int[historyLength];
        Batch batch = new Batch(historyLength);
        HierarchicalGroups levels = hierarchy == null ? null : new HierarchicalGroups(hierarchy);
        SplittableRandom random = new SplittableRandom(config.seed());
        int perEpoch = config.samplesPerEpoch() == 0 ? samples.size() : Math.min(samples.size(), config.samplesPerEpoch());
        Convergence convergence = new Convergence(config.patience(), config.timeBudgetSeconds());
        double lastEpochLoss = Double.NaN;
        try (MinibatchTrainer trainer = new MinibatchTrainer(model, AdamConfig.of(config.learningRate()), config.threads())) {
            trainer.setWeightDecay(config.weightDecay());
            trainer.setLoss(config.loss());
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                samples.shuffle(config.seed() * 31 + epoch);
                long started = System.nanoTime(), lastReport = started;
                double lossSum = 0;
                int steps = 0, done = 0;
                boolean outOfTime = false;
                for (int from = 0; from < perEpoch && !outOfTime; from += config.batchSamples()) {
                    batch.clear();
                    int to = Math.min(perEpoch, from + config.batchSamples());
                    sampler.beginBatch(model, samples, from, to, trainer.workers());
                    for (int s = from; s < to; s++) {
                        historyNodes(samples, s, shape, itemToLeaf, history);
                        if (levels == null) {
                            batch.addHistory(history);
                            sampler.addPairs(batch, samples, s, history, random);
                        } else {
                            levels.addSample(batch, sampler, samples, s, history, random);
                        }
                    }
                    lossSum += trainer.step(batch);
                    steps++;
                    done = to;
                    long now = System.nanoTime();
                    outOfTime = convergence.outOfTime();
                    if (now - lastReport > 5_000_000_000L) {
                        lastReport = now;
                        progress.message(String.format("  epoch %d/%d: %,d/%,d samples, loss %.4f, %,.0f samples/s",
                                epoch + 1, config.epochs(), to, perEpoch, lossSum / steps, to / ((now - started) / 1e9)));
                    }
                }
                lastEpochLoss = lossSum / Math.max(1, steps);
                String summary = String.format("  epoch %d/%d done: loss %.4f, %,d samples x %d pairs in %.1f s",
                        epoch + 1, config.epochs(), lastEpochLoss, done, sampler.pairsPerSample(),
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
        return new Outcome(lastEpochLoss, convergence.epochs(), convergence.bestEpoch(), convergence.bestScore(),
                convergence.stopReason());
    }
}
