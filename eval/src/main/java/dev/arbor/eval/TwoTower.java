package dev.arbor.eval;

import dev.arbor.search.TopK;
import dev.arbor.scorer.Kernels;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.TrainingSamples;
import dev.arbor.progress.ProgressListener;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The product-DNN ("two-tower", YouTube-DNN style) baseline of the TDM paper: a user vector from the user's recent
 * behaviour, an item vector per item, and the inner product between them as the score, so retrieval is an exact
 * maximum-inner-product search over all items.
 *
 * <p>User tower: the 69-slot behaviour input of {@link BehaviourWindows} is pooled into the mean of the input
 * embeddings of each of its 10 time windows (an empty window pools to zero), the 10 means are concatenated and go
 * through a hidden layer with leaky ReLU and a linear layer to a {@code dim}-vector. Item tower: a separate output
 * embedding of size {@code dim} per item. Trained by {@link TwoTowerTrainer} with a sampled softmax.
 *
 * <p>Recommendation scores every item by brute force, {@code numItems × dim} multiply-adds per user. Safe for
 * concurrent use once trained.
 */
public final class TwoTower implements Recommender {

    private static final Kernels K = Kernels.best();
    /** Slope of the leaky ReLU for negative inputs; non-zero so that no hidden unit can die for good. */
    static final float LEAK = 0.1f;

    final int numItems;
    final int dim;
    final int hidden;
    /** History-side item embeddings, {@code numItems × dim}. */
    final float[] inputEmbeddings;
    /** Candidate-side item embeddings (the item vectors), {@code numItems × dim}. */
    final float[] itemEmbeddings;
    final Dense hiddenLayer;
    final Dense outputLayer;
    private final ThreadLocal<TowerActivations> scratch;

    /** An untrained model with small random embeddings and Glorot-initialised layers. */
    TwoTower(int numItems, int dim, int hidden, long seed) {
        this.numItems = numItems;
        this.dim = dim;
        this.hidden = hidden;
        SplittableRandom random = new SplittableRandom(seed);
        this.inputEmbeddings = randomEmbeddings(numItems * dim, random);
        this.itemEmbeddings = randomEmbeddings(numItems * dim, random);
        this.hiddenLayer = new Dense(BehaviourWindows.COUNT * dim, hidden, random);
        this.outputLayer = new Dense(hidden, dim, random);
        this.scratch = ThreadLocal.withInitial(() -> new TowerActivations(this, 1));
    }

    private static float[] randomEmbeddings(int size, SplittableRandom random) {
        float[] e = new float[size];
        for (int i = 0; i < size; i++) {
            e[i] = (float) ((2 * random.nextDouble() - 1) * 0.05);
        }
        return e;
    }

    /**
     * Trains a model on the sliding-window samples of {@code split}'s training users. Held-out users do not train
     * it: their input halves reach the model only as inputs at recommendation time.
     */
    public static TwoTower train(DataSplit split, TwoTowerOptions options) {
        return train(split, options, ProgressListener.SILENT);
    }

    /** {@link #train(DataSplit, TwoTowerOptions)} that reports each epoch's progress and loss to {@code progress}. */
    public static TwoTower train(DataSplit split, TwoTowerOptions options, ProgressListener progress) {
        return train(split.trainingSamples(options.minHistory()), split.log().numItems(), options, progress);
    }

    /** Trains a model for {@code numItems} items on {@code samples} (shuffled in place every epoch). */
    public static TwoTower train(TrainingSamples samples, int numItems, TwoTowerOptions options) {
        return train(samples, numItems, options, ProgressListener.SILENT);
    }

    /**
     * {@link #train(TrainingSamples, int, TwoTowerOptions)} that reports each epoch's progress and loss to
     * {@code progress}.
     */
    public static TwoTower train(TrainingSamples samples, int numItems, TwoTowerOptions options,
            ProgressListener progress) {
        TwoTower model = new TwoTower(numItems, options.dim(), options.hidden(), options.seed());
        new TwoTowerTrainer(model, options, samples).train(progress);
        return model;
    }

    /**
     * Per-sample activations of the user tower for a batch of up to {@code capacity} samples, laid out flat:
     * sample {@code s} owns {@code [s * width, (s + 1) * width)} of each array. The segments view the arrays for
     * the GEMM kernel.
     */
    static final class TowerActivations {
        final int[] history;
        /** Pooled window means, {@code 10 × dim} per sample. */
        final float[] pooled;
        /** 1 / (behaviours in the window), 0 for an empty window, 10 per sample. */
        final float[] inverseCounts;
        final float[] preActivation;
        final float[] hiddenOut;
        final float[] user;

        TowerActivations(TwoTower model, int capacity) {
            history = new int[capacity * BehaviourWindows.SLOTS];
            pooled = new float[capacity * BehaviourWindows.COUNT * model.dim];
            inverseCounts = new float[capacity * BehaviourWindows.COUNT];
            preActivation = new float[capacity * model.hidden];
            hiddenOut = new float[capacity * model.hidden];
            user = new float[capacity * model.dim];
        }
    }

    /** Runs the user tower for samples {@code from .. from + count} of {@code a}, whose history slots are filled. */
    void userTower(TowerActivations a, int from, int count) {
        for (int s = from; s < from + count; s++) {
            pool(a, s);
        }
        hiddenLayer.forward(a.pooled, from, count, a.preActivation);
        System.arraycopy(a.preActivation, from * hidden, a.hiddenOut, from * hidden, count * hidden);
        K.prelu(a.hiddenOut, from * hidden, count * hidden, LEAK);
        outputLayer.forward(a.hiddenOut, from, count, a.user);
    }

    /** Pools sample {@code s}'s history into the mean input embedding of each window. */
    private void pool(TowerActivations a, int s) {
        int windows = BehaviourWindows.COUNT;
        int xOff = s * windows * dim;
        Arrays.fill(a.pooled, xOff, xOff + windows * dim, 0f);
        for (int w = 0; w < windows; w++) {
            int count = 0;
            for (int slot = BehaviourWindows.start(w); slot < BehaviourWindows.start(w) + BehaviourWindows.size(w);
                    slot++) {
                int item = a.history[s * BehaviourWindows.SLOTS + slot];
                if (item != BehaviourWindows.PADDING) {
                    K.axpy(1f, inputEmbeddings, item * dim, a.pooled, xOff + w * dim, dim);
                    count++;
                }
            }
            float inverse = count == 0 ? 0f : 1f / count;
            a.inverseCounts[s * windows + w] = inverse;
            for (int j = xOff + w * dim; j < xOff + (w + 1) * dim; j++) {
                a.pooled[j] *= inverse;
            }
        }
    }

    /** The user vector for a user whose history is {@code input} (item ordinals, most recent last). */
    public float[] userVector(int[] input) {
        TowerActivations a = scratch.get();
        BehaviourWindows.history(input, 0, input.length, a.history, 0);
        userTower(a, 0, 1);
        return Arrays.copyOf(a.user, dim);
    }

    /** The item vector of {@code item} (a copy). */
    public float[] itemVector(int item) {
        return Arrays.copyOfRange(itemEmbeddings, item * dim, (item + 1) * dim);
    }

    /** The size of user and item vectors. */
    public int dim() {
        return dim;
    }

    /** The number of items. */
    public int numItems() {
        return numItems;
    }

    /** The exact top {@code k} items by inner product with the user vector, scoring all items. */
    @Override
    public int[] recommend(int[] input, int k) {
        float[] u = userVector(input);
        TopK top = new TopK(Math.min(k, numItems));
        for (int i = 0; i < numItems; i++) {
            top.offer(i, K.orderedDot(u, 0, itemEmbeddings, i * dim, dim));
        }
        return top.result();
    }

    @Override
    public String name() {
        return "Product DNN";
    }
}
