package dev.arbor.treetrain;

import dev.arbor.format.TreeShape;
import dev.arbor.dataset.TrainingSamples;
import dev.arbor.nn.AdamConfig;
import dev.arbor.nn.Batch;
import dev.arbor.nn.TrainableModel;
import dev.arbor.nn.MinibatchTrainer;
import dev.arbor.progress.ProgressListener;
import java.util.SplittableRandom;

/**
 * Trains a {@link TrainableModel} on TDM's layer-wise samples for a fixed tree: each sliding-window
 * sample's history is one group, scored against the positive and negatives of every level.
 */
public final class TdmTrainer {

    /**
     * @param epochs          passes over the (shuffled) samples
     * @param samplesPerEpoch cap on samples per epoch, 0 for all: the knob that bounds training time
     * @param batchSamples    samples per optimiser step
     * @param learningRate    Adam's learning rate
     * @param threads         data-parallel workers
     * @param seed            shuffling and negative sampling
     */
    public record Config(int epochs, int samplesPerEpoch, int batchSamples, float learningRate, int threads, long seed) {
        public Config {
            if (epochs < 1 || batchSamples < 1 || samplesPerEpoch < 0 || threads < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("invalid training config " + epochs + " epochs, " + samplesPerEpoch
                        + " samples/epoch, batch " + batchSamples + ", lr " + learningRate + ", " + threads + " threads");
            }
        }
    }

    private TdmTrainer() {
    }

    /**
     * Runs the configured epochs; returns the mean loss of the last epoch. Each epoch's summary, and a line of
     * progress every few seconds within it, go to {@code progress}.
     */
    public static double train(TrainableModel model, TrainingSamples samples, TreeShape shape, int[] itemToLeaf,
                               LayerwiseSampler sampler, Config config, ProgressListener progress) {
        int historyLength = model.architecture().historyLength();
        int[] history = new int[historyLength];
        Batch batch = new Batch(historyLength);
        SplittableRandom random = new SplittableRandom(config.seed());
        int perEpoch = config.samplesPerEpoch() == 0 ? samples.size() : Math.min(samples.size(), config.samplesPerEpoch());
        double lastEpochLoss = Double.NaN;
        try (MinibatchTrainer trainer = new MinibatchTrainer(model, AdamConfig.of(config.learningRate()), config.threads())) {
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                samples.shuffle(config.seed() * 31 + epoch);
                long started = System.nanoTime(), lastReport = started;
                double lossSum = 0;
                int steps = 0;
                for (int from = 0; from < perEpoch; from += config.batchSamples()) {
                    batch.clear();
                    int to = Math.min(perEpoch, from + config.batchSamples());
                    for (int s = from; s < to; s++) {
                        samples.history(s, history, 0);
                        for (int i = 0; i < historyLength; i++) {
                            history[i] = history[i] < 0 ? -1 : shape.leafNode(itemToLeaf[history[i]]);
                        }
                        batch.addHistory(history);
                        sampler.addPairs(batch, samples.target(s), random);
                    }
                    lossSum += trainer.step(batch);
                    steps++;
                    long now = System.nanoTime();
                    if (now - lastReport > 5_000_000_000L) {
                        lastReport = now;
                        progress.message(String.format("  epoch %d/%d: %,d/%,d samples, loss %.4f, %,.0f samples/s",
                                epoch + 1, config.epochs(), to, perEpoch, lossSum / steps, to / ((now - started) / 1e9)));
                    }
                }
                lastEpochLoss = lossSum / Math.max(1, steps);
                progress.message(String.format("  epoch %d/%d done: loss %.4f, %,d samples x %d pairs in %.1f s",
                        epoch + 1, config.epochs(), lastEpochLoss, perEpoch, sampler.pairsPerSample(),
                        (System.nanoTime() - started) / 1e9));
            }
        }
        return lastEpochLoss;
    }
}
