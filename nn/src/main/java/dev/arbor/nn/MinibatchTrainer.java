package dev.arbor.nn;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.scorer.Kernels;

import java.util.Arrays;

/**
 * Trains a {@link TrainableModel} on mini-batches: the mean {@link Loss} over the batch's pairs,
 * backpropagation into every tensor and the touched embedding rows, then one Adam step (lazy Adam on the
 * embedding table).
 *
 * <p>Data parallel: the batch's groups are split into contiguous chunks of about equal pair counts, one
 * per thread; each thread accumulates into its own gradient buffers, which are summed in thread order
 * before the optimiser step, so a run is reproducible bit for bit for a given thread count. The caller's
 * thread works the first chunk. With BatchNorm the pass runs a layer at a time with the statistics
 * reduced over all threads in between; without it each thread does its whole share in one go.
 *
 * <p>Not thread-safe; {@link #close()} stops the worker threads.
 */
public final class MinibatchTrainer implements AutoCloseable {

    private static final Kernels K = Kernels.best();

    private final TrainableModel model;
    private final AdamConfig adam;
    /** A schedule's multiplier on {@link AdamConfig#learningRate()}; see {@link #decayLearningRate}. */
    private float learningRateScale = 1f;
    /** Decoupled (AdamW) weight decay of the weight matrices and the embedding rows; see {@link #setWeightDecay}. */
    private float weightDecay;
    private Loss loss = Loss.BINARY;
    /** Per parameter tensor: whether weight decay applies (weight matrices, not biases, slopes or BatchNorm). */
    private final boolean[] decays;
    /** One per parameter tensor, and lazy Adam on the embedding table; they step together. */
    private final Adam[] tensorAdam;
    private final Adam embeddingAdam;
    private long step;
    private final int threads;
    private final Parallel parallel;
    private final TransposedWeights transposed;
    private final ForwardBackward[] workers;
    private final Gradients[] grads;
    private final Gradients total;
    private final BatchActivations activations;
    private final int layers;
    private final boolean batchNorm;

    // Batch statistics and batch-wide BN gradient sums per hidden layer.
    private final float[][] batchMean;
    private final float[][] batchVar;
    private final float[][] batchInvStd;
    private final float[][] sumDGamma;
    private final float[][] sumDBeta;

    // The batch being worked and each thread's chunk of its groups and pairs.
    private Batch batch;
    private final int[] groupFrom;
    private final int[] pairFrom;
    private final double[] threadLoss;
    /** What the summed loss is divided by: the batch's pairs, or its positives for the sampled softmax. */
    private int lossNorm;

    /** A trainer using every available processor. */
    public MinibatchTrainer(TrainableModel model, AdamConfig adam) {
        this(model, adam, Runtime.getRuntime().availableProcessors());
    }

    public MinibatchTrainer(TrainableModel model, AdamConfig adam, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive");
        }
        this.model = model;
        this.adam = adam;
        tensorAdam = new Adam[model.parameterCount()];
        for (int i = 0; i < tensorAdam.length; i++) {
            tensorAdam[i] = new Adam(adam, model.parameter(i).length);
        }
        embeddingAdam = new Adam(adam, model.embeddings().length);
        decays = new boolean[model.parameterCount()];
        for (int i = 0; i < decays.length; i++) {
            String name = model.parameterNames().get(i);
            decays[i] = name.endsWith(".w") || name.matches("att\\.w\\d");
        }
        this.threads = threads;
        this.parallel = new Parallel(threads);
        transposed = new TransposedWeights(model);
        workers = new ForwardBackward[threads];
        grads = new Gradients[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new ForwardBackward(model, transposed);
            grads[t] = new Gradients(model);
        }
        total = new Gradients(model);
        activations = model.newActivations();
        int[] widths = model.architecture().mlpHidden();
        layers = widths.length;
        batchNorm = model.options().batchNorm();
        batchMean = new float[layers][];
        batchVar = new float[layers][];
        batchInvStd = new float[layers][];
        sumDGamma = new float[layers][];
        sumDBeta = new float[layers][];
        for (int l = 0; l < layers; l++) {
            batchMean[l] = new float[widths[l]];
            batchVar[l] = new float[widths[l]];
            batchInvStd[l] = new float[widths[l]];
            sumDGamma[l] = new float[widths[l]];
            sumDBeta[l] = new float[widths[l]];
        }
        groupFrom = new int[threads + 1];
        pairFrom = new int[threads + 1];
        threadLoss = new double[threads];
    }

    /**
     * Multiplies the learning rate by {@code factor} from the next step on (a schedule's decay, such as halving
     * it when the validation score stops improving). Adam's moments are kept.
     */
    public void decayLearningRate(float factor) {
        if (!(factor > 0f && factor <= 1f)) {
            throw new IllegalArgumentException("a learning-rate decay factor must be in (0, 1], got " + factor);
        }
        learningRateScale *= factor;
    }

    /**
     * Decoupled weight decay (AdamW): each step first shrinks the weight matrices, and the embedding rows the batch
     * touched, by {@code learningRate() * decay}. Biases, PReLU slopes and BatchNorm are left alone. 0, the default,
     * turns it off.
     */
    public void setWeightDecay(float decay) {
        if (!(decay >= 0f && decay < 1f)) {
            throw new IllegalArgumentException("weight decay must be in [0, 1), got " + decay);
        }
        weightDecay = decay;
    }

    /** The objective from the next step on; {@link Loss#BINARY} by default. */
    public void setLoss(Loss kind) {
        loss = java.util.Objects.requireNonNull(kind, "loss");
    }

    /** The learning rate the next step uses, before Adam's bias correction. */
    public float learningRate() {
        return adam.learningRate() * learningRateScale;
    }

    public TrainableModel model() {
        return model;
    }

    /** The step's worker threads, idle between steps: work between steps (preparing the next batch) may use them. */
    public Parallel workers() {
        return parallel;
    }

    /**
     * One training step on {@code batch}: gradients of the mean loss, the BatchNorm running statistics
     * moved towards the batch's, and an Adam update. Returns the batch's mean loss before the update.
     */
    public double step(Batch batch) {
        double loss = computeGradients(batch);
        if (batchNorm) {
            for (int l = 0; l < layers; l++) {
                model.updateRunningStats(l, batchMean[l], batchVar[l], batch.pairCount());
            }
        }
        applyAdam();
        return loss;
    }

    private static void scale(float[] x, int off, int n, float factor) {
        for (int i = off; i < off + n; i++) {
            x[i] *= factor;
        }
    }

    /**
     * One Adam step against the summed gradients: dense over every parameter tensor, lazy over the embedding
     * rows the batch touched (see {@link Adam}).
     */
    private void applyAdam() {
        step++;
        float lr = adam.stepSize(step) * learningRateScale;
        float shrink = 1f - learningRate() * weightDecay;
        for (int i = 0; i < tensorAdam.length; i++) {
            float[] w = model.parameter(i);
            if (decays[i] && weightDecay > 0f) {
                scale(w, 0, w.length, shrink);
            }
            tensorAdam[i].update(w, 0, total.dense[i], 0, w.length, lr);
        }
        RowGradients rows = total.embeddings;
        int d = rows.dim();
        float[] table = model.embeddings();
        for (int s = 0; s < rows.size(); s++) {
            if (weightDecay > 0f) {
                scale(table, rows.row(s) * d, d, shrink);
            }
            embeddingAdam.update(table, rows.row(s) * d, rows.values(), s * d, d, lr);
        }
    }

    /** Mean loss of {@code batch} in training mode, leaving its gradients in {@link #gradients()}. */
    double computeGradients(Batch batch) {
        if (batch.historyLength() != model.architecture().historyLength()) {
            throw new IllegalArgumentException("batch histories have " + batch.historyLength() + " slots, model "
                    + model.architecture().historyLength());
        }
        if (batch.pairCount() == 0) {
            throw new IllegalArgumentException("empty batch");
        }
        lossNorm = loss == Loss.BINARY ? batch.pairCount() : positives(batch);
        this.batch = batch;
        activations.ensure(batch.pairCount());
        transposed.refresh();
        partition();
        int stages = 2 * layers + 1;
        if (batchNorm) {
            for (int s = 0; s < stages; s++) {
                int stage = s;
                parallel.forWorkers(t -> stage(t, stage));
                reduceAfter(stage);
            }
        } else {
            parallel.forWorkers(t -> {
                for (int s = 0; s < stages; s++) {
                    stage(t, s);
                }
            });
        }
        total.clear();
        double summed = 0;
        for (int t = 0; t < threads; t++) {
            total.addAll(grads[t]);
            summed += threadLoss[t];
        }
        this.batch = null;
        return summed / lossNorm;
    }

    /** The batch's positives, after checking that each non-empty group starts with one (the sampled softmax's lists). */
    private static int positives(Batch batch) {
        int[] labels = batch.labels();
        for (int g = 0; g < batch.groupCount(); g++) {
            int first = batch.groupStart(g);
            if (first < batch.groupStart(g + 1) && labels[first] != 1) {
                throw new IllegalArgumentException("the sampled-softmax loss needs every group to start with a positive;"
                        + " group " + g + " starts with a negative");
            }
        }
        int positives = 0;
        for (int q = 0; q < batch.pairCount(); q++) {
            positives += labels[q];
        }
        return positives;
    }

    /**
     * Multiply-adds a {@link #step} on {@code batch} executes in its GEMMs, for throughput figures (twice this is
     * the FLOP count); see {@code ForwardBackward.multiplyAdds}.
     */
    public static long multiplyAdds(ModelArchitecture architecture, Batch batch) {
        long total = 0;
        int h = batch.historyLength();
        int[] histories = batch.histories();
        for (int g = 0; g < batch.groupCount(); g++) {
            int valid = 0;
            for (int s = g * h; s < (g + 1) * h; s++) {
                valid += histories[s] >= 0 ? 1 : 0;
            }
            total += ForwardBackward.multiplyAdds(architecture, valid, batch.groupStart(g + 1) - batch.groupStart(g));
        }
        return total;
    }

    /** Summed gradients of the last {@link #computeGradients} or {@link #step}. */
    Gradients gradients() {
        return total;
    }

    /** Splits the groups into contiguous chunks of about {@code pairs / threads} pairs each. */
    private void partition() {
        int groups = batch.groupCount();
        int pairs = batch.pairCount();
        int g = 0;
        for (int t = 0; t < threads; t++) {
            groupFrom[t] = g;
            pairFrom[t] = batch.groupStart(g);
            long target = (long) pairs * (t + 1) / threads;
            while (g < groups && batch.groupStart(g) < target) {
                g++;
            }
        }
        groupFrom[threads] = groups;
        pairFrom[threads] = pairs;
    }

    /**
     * Thread {@code t}'s part of stage {@code s}. Stage 0: input part and first dense layer; 1 .. L-1:
     * hidden layer s-1's BN and PReLU, dense layer s; L: the last hidden activation, logits, loss and back
     * to the last hidden layer's BN output; L+1 .. 2L-1: back through BN and dense layer 2L-s; 2L: back
     * through the first BN and the input part. With BN, each stage ends where batch sums are needed.
     */
    private void stage(int t, int s) {
        ForwardBackward w = workers[t];
        Gradients g = grads[t];
        int p0 = pairFrom[t];
        int p1 = pairFrom[t + 1];
        int pairs = batch.pairCount();
        int[] hist = batch.histories();
        int h = batch.historyLength();
        if (s == 0) {
            g.clear();
            for (int gr = groupFrom[t]; gr < groupFrom[t + 1]; gr++) {
                int c0 = batch.groupStart(gr);
                w.forwardInput(hist, gr * h, batch.rows(), c0, batch.groupStart(gr + 1) - c0, activations, c0);
            }
        } else if (s <= layers) {
            w.activate(s - 1, p0, p1, activations, batchMean[s - 1], batchInvStd[s - 1]);
            w.dense(s, p0, p1, activations);
        }
        if (s < layers) {
            if (batchNorm) {
                w.accumulateStats(s, p0, p1, activations);
            }
            return;
        }
        if (s == layers) {
            threadLoss[t] = w.loss(loss, p0, p1, batch.labels(), lossNorm, activations);
            w.denseBackward(layers, p0, p1, activations, g);
            w.activateBackward(layers - 1, p0, p1, activations, g);
            return;
        }
        int l = 2 * layers - s;
        if (batchNorm) {
            w.normBackward(l, p0, p1, activations, batchInvStd[l], sumDGamma[l], sumDBeta[l], pairs);
        }
        if (l > 0) {
            w.denseBackward(l, p0, p1, activations, g);
            w.activateBackward(l - 1, p0, p1, activations, g);
        } else {
            w.startBackwardInput();
            for (int gr = groupFrom[t]; gr < groupFrom[t + 1]; gr++) {
                int c0 = batch.groupStart(gr);
                w.backwardInput(hist, gr * h, batch.rows(), c0, batch.groupStart(gr + 1) - c0, activations, c0, g);
            }
            w.finishBackwardInput(g);
        }
    }

    /** BatchNorm reductions between stages: forward statistics after stages below L, gradient sums after the rest. */
    private void reduceAfter(int s) {
        int pairs = batch.pairCount();
        if (s < layers) {
            float[] mean = batchMean[s];
            float[] var = batchVar[s];
            for (int i = 0; i < mean.length; i++) {
                double sum = 0;
                double sumSq = 0;
                for (ForwardBackward w : workers) {
                    sum += w.sum[s][i];
                    sumSq += w.sumSq[s][i];
                }
                double mu = sum / pairs;
                mean[i] = (float) mu;
                var[i] = (float) Math.max(0.0, sumSq / pairs - mu * mu);
            }
            model.inverseStd(var, batchInvStd[s]);
        } else if (s < 2 * layers) {
            int l = 2 * layers - 1 - s;
            sum(model.bnGamma[l], sumDGamma[l]);
            sum(model.bnBeta[l], sumDBeta[l]);
        }
    }

    /** Sums parameter {@code index}'s per-thread gradients into {@code out}. */
    private void sum(int index, float[] out) {
        Arrays.fill(out, 0f);
        for (Gradients g : grads) {
            K.axpy(1f, g.dense[index], 0, out, 0, out.length);
        }
    }

    @Override
    public void close() {
        parallel.close();
    }
}
