package dev.arbor.eval;

import dev.arbor.scorer.Kernels;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.dataset.TrainingSamples;
import dev.arbor.nn.Adam;
import dev.arbor.nn.AdamConfig;
import dev.arbor.nn.Parallel;
import dev.arbor.progress.ProgressListener;
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
 * <p>A step has three parallel phases. First each sample's forward and backward pass, which write only that
 * sample's slots. Then the parameter gradients: every parameter row (a layer row, or an embedding row the batch
 * touched) is owned by one worker, which sums the row's terms in sample order and applies Adam to it; the item rows
 * come last, in a phase of their own, because they need the negatives' gradients that the second phase sums column
 * by column. No two threads write the same memory and every sum has a fixed order, so training is deterministic for
 * a seed whatever the thread count.
 */
final class TwoTowerTrainer {

    private static final Kernels K = Kernels.best();
    private static final int WINDOWS = BehaviourWindows.COUNT;
    private static final int SLOTS = BehaviourWindows.SLOTS;
    /** Exponent of the negative-sampling distribution: between uniform (0) and popularity (1), as in word2vec. */
    private static final double SAMPLING_POWER = 0.75;
    /** Samples per block of the forward and backward pass: enough rows for the GEMM kernel's 4-row tiles. */
    private static final int BLOCK = 16;
    /** Training that has run this long reports each epoch's loss; shorter runs (tests) report none. */
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final TwoTower model;
    private final TwoTowerOptions options;
    private final TrainingSamples samples;
    private final int dim;
    private final int hidden;
    private final int logits;

    final TwoTower.TowerActivations activations;
    final int[] targets;
    final int[] negatives;
    private final double[] cumulative;
    private final float[] logQ;
    private final SplittableRandom random;

    /** The negatives' item vectors, {@code M × dim}, and transposed, {@code dim × M}. */
    private final float[] negativeVectors;
    private final float[] negativeVectorsT;
    /** Per draw {@code j}, {@code Σ_s dlogit_sj u_s}, transposed ({@code dim × M}). */
    private final float[] negativeGradT;
    private final double[] losses;
    /** Per sample: the target's then the negatives' logits, overwritten by their gradients. */
    private final float[] dLogits;
    private final float[] dUser;
    private final float[] dHiddenOut;
    private final float[] dPooled;
    /** Layer inputs transposed, {@code width × batchSize}, for the weight gradients. */
    private final float[] pooledT;
    private final float[] hiddenOutT;
    private final float[] userT;

    final float[] hiddenGrad;
    final float[] outputGrad;
    final EmbeddingGradient inputGrad;
    final EmbeddingGradient itemGrad;

    private final AdamConfig adam;
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
        this.activations = new TwoTower.TowerActivations(model, b);
        this.targets = new int[b];
        this.negatives = new int[m];
        this.random = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        this.negativeVectors = new float[m * dim];
        this.negativeVectorsT = new float[dim * m];
        this.negativeGradT = new float[dim * m];
        this.losses = new double[b];
        this.dLogits = new float[b * logits];
        this.dUser = new float[b * dim];
        this.dHiddenOut = new float[b * hidden];
        this.dPooled = new float[b * WINDOWS * dim];
        this.pooledT = new float[WINDOWS * dim * b];
        this.hiddenOutT = new float[hidden * b];
        this.userT = new float[dim * b];
        this.hiddenGrad = new float[model.hiddenLayer.params.length];
        this.outputGrad = new float[model.outputLayer.params.length];
        this.inputGrad = new EmbeddingGradient(model.numItems, dim, Math.min(model.numItems, b * SLOTS));
        this.itemGrad = new EmbeddingGradient(model.numItems, dim, Math.min(model.numItems, b + m));
        this.adam = AdamConfig.of(options.learningRate());
        this.hiddenAdam = new Adam(adam, model.hiddenLayer.params.length);
        this.outputAdam = new Adam(adam, model.outputLayer.params.length);
        this.inputAdam = new Adam(adam, model.inputEmbeddings.length);
        this.itemAdam = new Adam(adam, model.itemEmbeddings.length);

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

    /**
     * Runs all epochs, reporting each epoch's progress to {@code progress}, and its mean loss once training has run
     * longer than {@link #QUIET_NANOS}.
     */
    void train(ProgressListener progress) {
        long start = System.nanoTime();
        int b = options.batchSize();
        try (Parallel parallel = new Parallel(options.threads())) {
            for (int epoch = 0; epoch < options.epochs(); epoch++) {
                samples.shuffle(options.seed() + epoch);
                ProgressListener.Task task = progress.task("two-tower epoch " + (epoch + 1), "samples", samples.size());
                double loss = 0;
                try (task) {
                    for (int from = 0; from < samples.size(); from += b) {
                        int n = Math.min(b, samples.size() - from);
                        samples.fill(from, n, activations.history, targets);
                        sampleNegatives();
                        loss += step(parallel, n, true);
                        task.advance(n);
                    }
                }
                long elapsed = System.nanoTime() - start;
                if (elapsed > QUIET_NANOS) {
                    progress.message(String.format(Locale.ROOT, "two-tower epoch %d/%d: mean loss %.4f, %ds",
                            epoch + 1, options.epochs(), loss / Math.max(1, samples.size()),
                            TimeUnit.NANOSECONDS.toSeconds(elapsed)));
                }
            }
        }
    }

    /** Draws the batch's shared negatives from the sampling distribution. */
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
        float stepSize = apply ? adam.stepSize(step) : 0f;
        parallel.forWorkers(worker -> layerAndInputGradients(parallel, worker, n, stepSize));
        // Item rows take the negatives' gradients, whose columns other workers summed in the phase before.
        parallel.forWorkers(worker -> itemGradients(parallel, worker, n, stepSize));
        return loss;
    }

    /**
     * The forward and backward passes of the first {@code n} samples of the batch buffers, in parallel blocks of
     * samples; returns the summed loss (the parameters are not touched).
     */
    double forwardBackward(Parallel parallel, int n) {
        model.hiddenLayer.transpose();
        model.outputLayer.transpose();
        int m = negatives.length;
        for (int j = 0; j < m; j++) {
            System.arraycopy(model.itemEmbeddings, negatives[j] * dim, negativeVectors, j * dim, dim);
            for (int k = 0; k < dim; k++) {
                negativeVectorsT[k * m + j] = negativeVectors[j * dim + k];
            }
        }
        parallel.forChunks(n, BLOCK, (worker, from, to) -> forwardBackward(from, to - from, n));
        double loss = 0;
        for (int s = 0; s < n; s++) {
            loss += losses[s];
        }
        return loss;
    }

    /** Forward and backward pass of samples {@code from .. from + count} of a batch of {@code n}. */
    private void forwardBackward(int from, int count, int n) {
        TwoTower.TowerActivations a = activations;
        model.userTower(a, from, count);
        int m = negatives.length;
        // Negative logits u · v_j for the whole block: (count × dim) · (dim × M).
        K.gemm(a.user, from * dim, dim, count, dim, negativeVectorsT, 0, m, dLogits,
                from * logits + 1, logits, m, false);
        for (int s = from; s < from + count; s++) {
            losses[s] = softmax(s, n);
        }
        // du = Σ_j dlogit_j v_j: the negatives' part for the block at once, then each target's part.
        K.gemm(dLogits, from * logits + 1, logits, count, m, negativeVectors, 0, dim,
                dUser, from * dim, dim, dim, false);
        for (int s = from; s < from + count; s++) {
            K.axpy(dLogits[s * logits], model.itemEmbeddings, targets[s] * dim, dUser, s * dim, dim);
        }
        model.outputLayer.backward(dUser, from, count, dHiddenOut);
        for (int j = from * hidden; j < (from + count) * hidden; j++) {
            if (a.preActivation[j] < 0) {
                dHiddenOut[j] *= TwoTower.LEAK;
            }
        }
        model.hiddenLayer.backward(dHiddenOut, from, count, dPooled);
        int batch = options.batchSize();
        for (int s = from; s < from + count; s++) {
            transposeInto(a.pooled, s, WINDOWS * dim, pooledT, batch);
            transposeInto(a.hiddenOut, s, hidden, hiddenOutT, batch);
            transposeInto(a.user, s, dim, userT, batch);
        }
    }

    /** Writes row {@code s} of a {@code width}-wide row-major block into column {@code s} of {@code transposed}. */
    private static void transposeInto(float[] rows, int s, int width, float[] transposed, int columns) {
        for (int p = 0; p < width; p++) {
            transposed[p * columns + s] = rows[s * width + p];
        }
    }

    /**
     * Sample {@code s}'s loss from its negative logits, which {@link #dLogits} holds; leaves there the gradients of
     * the batch's mean loss by the target's and the negatives' logits.
     */
    private double softmax(int s, int n) {
        int lOff = s * logits;
        int target = targets[s];
        dLogits[lOff] = K.orderedDot(activations.user, s * dim, model.itemEmbeddings, target * dim, dim) - logQ[target];
        float max = dLogits[lOff];
        for (int j = 0; j < negatives.length; j++) {
            int item = negatives[j];
            float logit = item == target ? Float.NEGATIVE_INFINITY : dLogits[lOff + 1 + j] - logQ[item];
            dLogits[lOff + 1 + j] = logit;
            max = Math.max(max, logit);
        }
        double loss = max - dLogits[lOff];
        double sum = 0;
        for (int j = 0; j < logits; j++) {
            float e = (float) Math.exp(dLogits[lOff + j] - max);
            dLogits[lOff + j] = e;
            sum += e;
        }
        // Softmax minus one-hot, scaled by 1/n for the batch mean.
        for (int j = 0; j < logits; j++) {
            dLogits[lOff + j] = (float) ((dLogits[lOff + j] / sum - (j == 0 ? 1 : 0)) / n);
        }
        return loss + Math.log(sum);
    }

    /**
     * Worker {@code worker}'s share of the layer and input-embedding gradients of a batch of {@code n}, each row
     * followed by its Adam update unless {@code stepSize} is 0, and of the negatives' summed gradients.
     */
    private void layerAndInputGradients(Parallel parallel, int worker, int n, float stepSize) {
        int batch = options.batchSize();
        Dense h = model.hiddenLayer;
        int lo = parallel.from(worker, h.rows());
        int hi = parallel.from(worker + 1, h.rows());
        h.gradientRows(lo, hi, n, pooledT, batch, dHiddenOut, hiddenGrad);
        if (stepSize != 0) {
            hiddenAdam.update(h.params, lo * hidden, hiddenGrad, lo * hidden, (hi - lo) * hidden, stepSize);
        }
        Dense o = model.outputLayer;
        lo = parallel.from(worker, o.rows());
        hi = parallel.from(worker + 1, o.rows());
        o.gradientRows(lo, hi, n, hiddenOutT, batch, dUser, outputGrad);
        if (stepSize != 0) {
            outputAdam.update(o.params, lo * dim, outputGrad, lo * dim, (hi - lo) * dim, stepSize);
        }

        // Negatives: negativeGradT = Uᵀ (dim × n) · G (n × M), G the negatives' logit gradients; some rows here.
        int m = negatives.length;
        lo = parallel.from(worker, dim);
        hi = parallel.from(worker + 1, dim);
        if (hi > lo) {
            K.gemm(userT, lo * batch, batch, hi - lo, n, dLogits, 1, logits,
                    negativeGradT, lo * m, m, m, false);
        }

        // Input (history-side) embeddings: each behaviour gets its window's pooled gradient over the window count.
        lo = parallel.from(worker, inputGrad.count);
        hi = parallel.from(worker + 1, inputGrad.count);
        Arrays.fill(inputGrad.grad, lo * dim, hi * dim, 0f);
        TwoTower.TowerActivations a = activations;
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

    /**
     * Worker {@code worker}'s share of the item (candidate-side) embedding rows: a target row gets
     * {@code dlogit_s0 u_s} from each sample it is the target of, a negative's row its draws' column sums.
     */
    private void itemGradients(Parallel parallel, int worker, int n, float stepSize) {
        int lo = parallel.from(worker, itemGrad.count);
        int hi = parallel.from(worker + 1, itemGrad.count);
        Arrays.fill(itemGrad.grad, lo * dim, hi * dim, 0f);
        for (int s = 0; s < n; s++) {
            int r = itemGrad.slot[targets[s]];
            if (r >= lo && r < hi) {
                K.axpy(dLogits[s * logits], activations.user, s * dim, itemGrad.grad, r * dim, dim);
            }
        }
        int m = negatives.length;
        for (int j = 0; j < m; j++) {
            int r = itemGrad.slot[negatives[j]];
            if (r >= lo && r < hi) {
                for (int k = 0; k < dim; k++) {
                    itemGrad.grad[r * dim + k] += negativeGradT[k * m + j];
                }
            }
        }
        applyRows(itemGrad, lo, hi, model.itemEmbeddings, itemAdam, stepSize);
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
