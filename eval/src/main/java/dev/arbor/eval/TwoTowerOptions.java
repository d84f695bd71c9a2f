package dev.arbor.eval;

import dev.arbor.dataset.TrainingSamples;
import dev.arbor.nn.Parallel;

/**
 * Hyper-parameters of {@link TwoTower} training.
 *
 * @param dim size of the item embeddings and of the user vector
 * @param hidden width of the user tower's hidden layer
 * @param epochs passes over the training samples
 * @param learningRate Adam's step size
 * @param batchSize samples per Adam step
 * @param negatives sampled-softmax negatives per batch, shared by its samples
 * @param minHistory skip training targets with fewer earlier behaviours (see {@link TrainingSamples})
 * @param seed seeds initialisation, sample order and negative sampling
 * @param threads worker threads; the trained model does not depend on it
 */
public record TwoTowerOptions(int dim, int hidden, int epochs, float learningRate, int batchSize, int negatives,
        int minHistory, long seed, int threads) {

    /**
     * Dimension 24 as in the TDM paper; the other values were chosen on the validation users of MovieLens-1M (split
     * seed 1), where recall stops improving after about 4 epochs.
     */
    public static final TwoTowerOptions DEFAULTS = new TwoTowerOptions(24, 128, 5, 0.004f, 256, 256,
            TrainingSamples.DEFAULT_MIN_HISTORY, 1, Parallel.defaultWorkers());

    /** Validates the values. */
    public TwoTowerOptions {
        if (dim < 1 || hidden < 1 || epochs < 0 || batchSize < 1 || negatives < 1 || minHistory < 1 || threads < 1) {
            throw new IllegalArgumentException("invalid two-tower options: " + this);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        }
    }

    /** A copy with embedding and user-vector size {@code n}. */
    public TwoTowerOptions withDim(int n) {
        return new TwoTowerOptions(n, hidden, epochs, learningRate, batchSize, negatives, minHistory, seed, threads);
    }

    /** A copy with hidden width {@code n}. */
    public TwoTowerOptions withHidden(int n) {
        return new TwoTowerOptions(dim, n, epochs, learningRate, batchSize, negatives, minHistory, seed, threads);
    }

    /** A copy with {@code n} epochs. */
    public TwoTowerOptions withEpochs(int n) {
        return new TwoTowerOptions(dim, hidden, n, learningRate, batchSize, negatives, minHistory, seed, threads);
    }

    /** A copy with learning rate {@code lr}. */
    public TwoTowerOptions withLearningRate(float lr) {
        return new TwoTowerOptions(dim, hidden, epochs, lr, batchSize, negatives, minHistory, seed, threads);
    }

    /** A copy with batch size {@code n}. */
    public TwoTowerOptions withBatchSize(int n) {
        return new TwoTowerOptions(dim, hidden, epochs, learningRate, n, negatives, minHistory, seed, threads);
    }

    /** A copy with {@code n} negatives per batch. */
    public TwoTowerOptions withNegatives(int n) {
        return new TwoTowerOptions(dim, hidden, epochs, learningRate, batchSize, n, minHistory, seed, threads);
    }

    /** A copy with seed {@code s}. */
    public TwoTowerOptions withSeed(long s) {
        return new TwoTowerOptions(dim, hidden, epochs, learningRate, batchSize, negatives, minHistory, s, threads);
    }

    /** A copy with {@code n} threads. */
    public TwoTowerOptions withThreads(int n) {
        return new TwoTowerOptions(dim, hidden, epochs, learningRate, batchSize, negatives, minHistory, seed, n);
    }
}
