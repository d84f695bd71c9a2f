package dev.arbor.train.eval;

import dev.arbor.scorer.Kernels;
import dev.arbor.train.data.BehaviourWindows;
import dev.arbor.train.data.TrainingSamples;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Trains a {@link TwoTower} with a sampled softmax and Adam, in mini-batches on all cores.
 *
 * <p>Loss: for a sample with user vector {@code u} and target {@code t}, a softmax over {@code t} and the batch's
 * {@code M} shared negatives {@code n_j}, drawn from {@code q ∝ count^0.75} of the training targets. Each logit is
 * corrected by {@code -log(M q)} (the "logQ" correction), which makes the sampled softmax an estimate of the full
 * softmax over all items rather than of a popularity-skewed one; a negative equal to the target is masked out.
 *
 * <p>A step has two parallel phases. First each sample's forward and backward pass, which write only that sample's
 * slots. Then the parameter gradients: every parameter row (a layer row, or an embedding row the batch touched) is
 * owned by one worker, which sums the row's terms in sample order and applies Adam to it. No two threads write the
 * same memory and every sum has a fixed order, so training is deterministic for a seed whatever the thread count.
 */
final class TwoTowerTrainer {

    private static final Kernels K = Kernels.best();
    private static final int WINDOWS = BehaviourWindows.COUNT;
    private static final int SLOTS = BehaviourWindows.SLOTS;
    /** Exponent of the negative-sampling distribution: between uniform (0) and popularity (1), as in word2vec. */
    private static final double SAMPLING_POWER = 0.75;

    private final TwoTower model;
    private final TwoTowerOptions options;
    private final TrainingSamples samples;
    private final int dim;
    private final int hidden;
    private final int logits;

    final TwoTower.Activations activations;
    final int[] targets;
    final int[] negatives;
    private final double[] cumulative;
    private final float[] logQ;
    private final SplittableRandom random;

    private final double[] losses;
    private final float[] dLogits;
    private final float[] dUser;
    private final float[] dPreActivation;
    private final float[] dPooled;

    final float[] hiddenGrad;
    final float[] outputGrad;
    final EmbeddingGradient inputGrad;
    final EmbeddingGradient itemGrad;

    private final Adam hiddenAdam;
    private final Adam outputAdam;
    private final Adam inputAdam;
    private final Adam itemAdam;
    private long step;

    TwoTowerTrainer(TwoTower model, TwoTowerOptions options, TrainingSamples samples) {
        this.model = model;
        this.options = options;
        this.samples = samples;
        this.dim = model.dim;
        this.hidden = model.hidden;
        int b = options.batchSize();
        int m = options.negatives();
        this.logits = 1 + m;
        this.activations = new TwoTower.Activations(model, b);
        this.targets = new int[b];
        this.negatives = new int[m];
        this.random = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        this.losses = new double[b];
        this.dLogits = new float[b * logits];
        this.dUser = new float[b * dim];
        this.dPreActivation = new float[b * hidden];
        this.dPooled = new float[b * WINDOWS * dim];
        this.hiddenGrad = new float[model.hiddenLayer.params.length];
        this.outputGrad = new float[model.outputLayer.params.length];
        this.inputGrad = new EmbeddingGradient(model.numItems, dim, Math.min(model.numItems, b * SLOTS));
        this.itemGrad = new EmbeddingGradient(model.numItems, dim, Math.min(model.numItems, b + m));
        this.hiddenAdam = new Adam(model.hiddenLayer.params.length);
        this.outputAdam = new Adam(model.outputLayer.params.length);
        this.inputAdam = new Adam(model.inputEmbeddings.length);
        this.itemAdam = new Adam(model.itemEmbeddings.length);

        double[] weights = new double[model.numItems];
        for (int s = 0; s < samples.size(); s++) {
            weights[samples.target(s)]++;
        }
        this.cumulative = new double[model.numItems];
        this.logQ = new float[model.numItems];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            // +1 so that items never seen as targets can still be drawn as negatives and pushed down.
            weights[i] = Math.pow(weights[i] + 1, SAMPLING_POWER);
            total += weights[i];
            cumulative[i] = total;
        }
        for (int i = 0; i < weights.length; i++) {
            logQ[i] = (float) Math.log(m * weights[i] / total);
        }
    }

    /**
     * Gradients of an embedding table for the rows one batch touched, in compact form: touched row {@code r} is item
     * {@code rows[r]} and its gradient is {@code grad[r * dim ..]}. {@code slot[item]} maps back, -1 when untouched.
     */
    static final class EmbeddingGradient {
        final int[] slot;
        final int[] rows;
        final float[] grad;
        int count;

        EmbeddingGradient(int numItems, int dim, int maxRows) {
            slot = new int[numItems];
            Arrays.fill(slot, -1);
            rows = new int[maxRows];
            grad = new float[maxRows * dim];
        }

        void touch(int item) {
            if (slot[item] < 0) {
                slot[item] = count;
                rows[count++] = item;
            }
        }

        void clear() {
            for (int r = 0; r < count; r++) {
                slot[rows[r]] = -1;
            }
            count = 0;
        }
    }

    /** Runs all epochs, reporting each epoch's mean loss on stderr once training has run a few seconds. */
    void train() {
        long start = System.nanoTime();
        int b = options.batchSize();
        try (Parallel parallel = new Parallel(options.threads())) {
            for (int epoch = 0; epoch < options.epochs(); epoch++) {
                samples.shuffle(options.seed() + epoch);
                Progress progress = Progress.start("two-tower epoch " + (epoch + 1), "samples", samples.size());
                double loss = 0;
                for (int from = 0; from < samples.size(); from += b) {
                    int n = Math.min(b, samples.size() - from);
                    samples.fill(from, n, activations.history, targets);
                    sampleNegatives();
                    loss += step(parallel, n, true);
                    progress.advance(n);
                }
                long elapsed = System.nanoTime() - start;
                if (elapsed > Progress.QUIET_NANOS) {
                    System.err.printf(Locale.ROOT, "two-tower epoch %d/%d: mean loss %.4f, %ds%n", epoch + 1,
                            options.epochs(), loss / Math.max(1, samples.size()),
                            TimeUnit.NANOSECONDS.toSeconds(elapsed));
                }
            }
        }
    }

    void sampleNegatives() {
        double total = cumulative[cumulative.length - 1];
        for (int j = 0; j < negatives.length; j++) {
            int i = Arrays.binarySearch(cumulative, random.nextDouble() * total);
            negatives[j] = Math.min(cumulative.length - 1, i >= 0 ? i + 1 : -i - 1);
        }
    }

    /**
     * One step on the first {@code n} samples of the batch buffers ({@link #activations}' history, {@link #targets},
     * {@link #negatives}): the gradient of the batch's mean loss into the gradient arrays and, with {@code apply},
     * an Adam update. Returns the summed loss. The embedding gradients stay readable until the next step.
     */
    double step(Parallel parallel, int n, boolean apply) {
        double loss = forwardBackward(parallel, n);
        inputGrad.clear();
        itemGrad.clear();
        for (int s = 0; s < n; s++) {
            for (int slot = 0; slot < SLOTS; slot++) {
                int item = activations.history[s * SLOTS + slot];
                if (item != BehaviourWindows.PADDING) {
                    inputGrad.touch(item);
                }
            }
            itemGrad.touch(targets[s]);
        }
        for (int item : negatives) {
            itemGrad.touch(item);
        }
        step++;
        float stepSize = Adam.stepSize(options.learningRate(), step);
        parallel.forWorkers(worker -> gradients(parallel, worker, n, apply ? stepSize : 0f));
        return loss;
    }

    /**
     * The forward and backward passes of the first {@code n} samples of the batch buffers, in parallel; returns the
     * summed loss (the parameters are not touched).
     */
    double forwardBackward(Parallel parallel, int n) {
        parallel.forChunks(n, 8, (worker, from, to) -> {
            for (int s = from; s < to; s++) {
                losses[s] = forwardBackward(s, n);
            }
        });
        double loss = 0;
        for (int s = 0; s < n; s++) {
            loss += losses[s];
        }
        return loss;
    }

    /** Forward and backward pass of sample {@code s} of a batch of {@code n}; returns its loss. */
    private double forwardBackward(int s, int n) {
        TwoTower.Activations a = activations;
        model.userTower(a, s);
        float[] items = model.itemEmbeddings;
        int uOff = s * dim;
        int lOff = s * logits;
        int target = targets[s];
        dLogits[lOff] = Dot.dot(a.user, uOff, items, target * dim, dim) - logQ[target];
        float max = dLogits[lOff];
        for (int j = 0; j < negatives.length; j++) {
            int item = negatives[j];
            float logit = item == target ? Float.NEGATIVE_INFINITY
                    : Dot.dot(a.user, uOff, items, item * dim, dim) - logQ[item];
            dLogits[lOff + 1 + j] = logit;
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (int j = 0; j < logits; j++) {
            sum += Math.exp(dLogits[lOff + j] - max);
        }
        double loss = Math.log(sum) + max - dLogits[lOff];
        // Softmax minus one-hot, scaled by 1/n for the batch mean; then du = Σ_j dlogit_j v_j.
        Arrays.fill(dUser, uOff, uOff + dim, 0f);
        for (int j = 0; j < logits; j++) {
            float g = (float) (Math.exp(dLogits[lOff + j] - max) / sum - (j == 0 ? 1 : 0)) / n;
            dLogits[lOff + j] = g;
            if (g != 0) {
                K.axpy(g, items, (j == 0 ? target : negatives[j - 1]) * dim, dUser, uOff, dim);
            }
        }
        int hOff = s * hidden;
        model.outputLayer.backward(dUser, uOff, dPreActivation, hOff);
        for (int j = hOff; j < hOff + hidden; j++) {
            if (a.preActivation[j] < 0) {
                dPreActivation[j] *= TwoTower.LEAK;
            }
        }
        model.hiddenLayer.backward(dPreActivation, hOff, dPooled, s * WINDOWS * dim);
        return loss;
    }

    /**
     * Worker {@code worker}'s share of the parameter gradients of a batch of {@code n}, each followed by its Adam
     * update when {@code stepSize} is not 0.
     */
    private void gradients(Parallel parallel, int worker, int n, float stepSize) {
        TwoTower.Activations a = activations;
        Dense h = model.hiddenLayer;
        for (int r = parallel.from(worker, h.rows()); r < parallel.from(worker + 1, h.rows()); r++) {
            h.gradientRow(r, n, a.pooled, WINDOWS * dim, dPreActivation, hidden, hiddenGrad);
            if (stepSize != 0) {
                hiddenAdam.update(h.params, r * hidden, hiddenGrad, r * hidden, hidden, stepSize);
            }
        }
        Dense o = model.outputLayer;
        for (int r = parallel.from(worker, o.rows()); r < parallel.from(worker + 1, o.rows()); r++) {
            o.gradientRow(r, n, a.hiddenOut, hidden, dUser, dim, outputGrad);
            if (stepSize != 0) {
                outputAdam.update(o.params, r * dim, outputGrad, r * dim, dim, stepSize);
            }
        }

        // Item (candidate-side) embeddings: target rows get dlogit_0 u_s, negative rows dlogit_j u_s.
        int lo = parallel.from(worker, itemGrad.count);
        int hi = parallel.from(worker + 1, itemGrad.count);
        Arrays.fill(itemGrad.grad, lo * dim, hi * dim, 0f);
        for (int s = 0; s < n; s++) {
            int r = itemGrad.slot[targets[s]];
            if (r >= lo && r < hi) {
                K.axpy(dLogits[s * logits], a.user, s * dim, itemGrad.grad, r * dim, dim);
            }
        }
        for (int j = 0; j < negatives.length; j++) {
            int r = itemGrad.slot[negatives[j]];
            if (r >= lo && r < hi) {
                for (int s = 0; s < n; s++) {
                    float g = dLogits[s * logits + 1 + j];
                    if (g != 0) {
                        K.axpy(g, a.user, s * dim, itemGrad.grad, r * dim, dim);
                    }
                }
            }
        }
        applyRows(itemGrad, lo, hi, model.itemEmbeddings, itemAdam, stepSize);

        // Input (history-side) embeddings: each behaviour gets its window's pooled gradient over the window count.
        lo = parallel.from(worker, inputGrad.count);
        hi = parallel.from(worker + 1, inputGrad.count);
        Arrays.fill(inputGrad.grad, lo * dim, hi * dim, 0f);
        for (int s = 0; s < n; s++) {
            for (int slot = 0; slot < SLOTS; slot++) {
                int item = a.history[s * SLOTS + slot];
                if (item == BehaviourWindows.PADDING) {
                    continue;
                }
                int r = inputGrad.slot[item];
                if (r >= lo && r < hi) {
                    int w = BehaviourWindows.windowOf(slot);
                    K.axpy(a.inverseCounts[s * WINDOWS + w], dPooled, (s * WINDOWS + w) * dim, inputGrad.grad,
                            r * dim, dim);
                }
            }
        }
        applyRows(inputGrad, lo, hi, model.inputEmbeddings, inputAdam, stepSize);
    }

    private void applyRows(EmbeddingGradient g, int lo, int hi, float[] table, Adam adam, float stepSize) {
        if (stepSize == 0) {
            return;
        }
        for (int r = lo; r < hi; r++) {
            adam.update(table, g.rows[r] * dim, g.grad, r * dim, dim, stepSize);
        }
    }
}
