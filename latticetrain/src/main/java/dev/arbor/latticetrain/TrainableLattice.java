package dev.arbor.latticetrain;

import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeWeights;
import dev.arbor.format.TensorSpec;
import dev.arbor.lattice.LatticeModelScorer;
import dev.arbor.scorer.Kernels;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A Deep Retrieval model being trained: the tensors of a {@link LatticeArchitecture} in its canonical order (the code
 * embeddings, each layer's MLP, the reranker's MLP), and two item tables, the behaviour embeddings that a user's
 * history is pooled from and the reranker's item vectors. {@link #weights()} and the tables are exactly what a
 * segment stores and {@link LatticeModelScorer} serves, so {@link #scorer} scores the model in training with the
 * serving code.
 *
 * <p>Tensor {@code i} of {@link #tensor(int)} is tensor {@code i} of {@link LatticeArchitecture#tensors()}; the index
 * arrays below locate each layer's parts.
 */
public final class TrainableLattice {
    private static final float INITIAL_SLOPE = 0.25f;
    /** The code embeddings start wider than the item embeddings: they are the layers' only inputs beside the user. */
    private static final float CODE_STD = 0.1f;

    private final LatticeArchitecture arch;
    private final int items;
    private final float[][] tensors;
    private final float[] itemEmbeddings, rerankEmbeddings;
    /** Per layer: the code table's tensor index; the MLP's hidden w, b, alpha per hidden layer; the output w, b. */
    final int[] code, outW, outB;
    final int[][] w, b, alpha;
    /** The reranker's tensors, likewise. */
    final int[] rw, rb, ralpha;
    final int routW, routB;

    private TrainableLattice(LatticeArchitecture arch, int items) {
        if (items < 1 || (long) items * arch.embeddingDim() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("item count out of range: " + items);
        }
        this.arch = arch;
        this.items = items;
        List<TensorSpec> specs = arch.tensors();
        tensors = TensorSpec.zeros(specs);
        itemEmbeddings = new float[items * arch.embeddingDim()];
        rerankEmbeddings = new float[items * arch.embeddingDim()];
        int depth = arch.depth(), hidden = arch.layerHidden().length, rerank = arch.rerankHidden().length;
        code = new int[depth];
        outW = new int[depth];
        outB = new int[depth];
        w = new int[depth][hidden];
        b = new int[depth][hidden];
        alpha = new int[depth][hidden];
        for (int d = 0; d < depth; d++) {
            code[d] = arch.tensorIndex(LatticeArchitecture.codeTensor(d));
            String p = LatticeArchitecture.layerPrefix(d);
            for (int i = 0; i < hidden; i++) {
                w[d][i] = arch.tensorIndex(p + "mlp" + i + ".w");
                b[d][i] = arch.tensorIndex(p + "mlp" + i + ".b");
                alpha[d][i] = arch.tensorIndex(p + "mlp" + i + ".alpha");
            }
            outW[d] = arch.tensorIndex(p + "out.w");
            outB[d] = arch.tensorIndex(p + "out.b");
        }
        rw = new int[rerank];
        rb = new int[rerank];
        ralpha = new int[rerank];
        for (int i = 0; i < rerank; i++) {
            rw[i] = arch.tensorIndex(LatticeArchitecture.RERANK_PREFIX + "mlp" + i + ".w");
            rb[i] = arch.tensorIndex(LatticeArchitecture.RERANK_PREFIX + "mlp" + i + ".b");
            ralpha[i] = arch.tensorIndex(LatticeArchitecture.RERANK_PREFIX + "mlp" + i + ".alpha");
        }
        routW = arch.tensorIndex(LatticeArchitecture.RERANK_PREFIX + "out.w");
        routB = arch.tensorIndex(LatticeArchitecture.RERANK_PREFIX + "out.b");
    }

    /**
     * A fresh model for {@code items} items: He-normal hidden layers (they feed a PReLU of slope 0.25), Xavier-normal
     * output layers, zero biases, code embeddings from N(0, 0.1²) and both item tables from N(0, embeddingStd²), all
     * drawn from {@code seed}.
     */
    public static TrainableLattice create(LatticeArchitecture arch, int items, float embeddingStd, long seed) {
        if (!(embeddingStd >= 0f)) {
            throw new IllegalArgumentException("the embeddings' initial std must be >= 0, got " + embeddingStd);
        }
        TrainableLattice m = new TrainableLattice(arch, items);
        SplittableRandom random = new SplittableRandom(seed);
        int[] hidden = arch.layerHidden();
        for (int d = 0; d < arch.depth(); d++) {
            gaussian(m.tensors[m.code[d]], CODE_STD, random);
            m.initMlp(m.w[d], m.alpha[d], m.outW[d], arch.layerInput(d), hidden, arch.k(), random);
        }
        m.initMlp(m.rw, m.ralpha, m.routW, arch.userWidth(), arch.rerankHidden(), arch.embeddingDim(), random);
        gaussian(m.itemEmbeddings, embeddingStd, random);
        gaussian(m.rerankEmbeddings, embeddingStd, random);
        return m;
    }

    private void initMlp(int[] weights, int[] slopes, int out, int in, int[] hidden, int outputs,
                         SplittableRandom random) {
        for (int i = 0; i < hidden.length; i++) {
            gaussian(tensors[weights[i]], (float) Math.sqrt(2.0 / ((1 + INITIAL_SLOPE * INITIAL_SLOPE) * in)), random);
            java.util.Arrays.fill(tensors[slopes[i]], INITIAL_SLOPE);
            in = hidden[i];
        }
        gaussian(tensors[out], (float) Math.sqrt(2.0 / (in + outputs)), random);
    }

    private static void gaussian(float[] t, float std, SplittableRandom random) {
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) (random.nextGaussian() * std);
        }
    }

    public LatticeArchitecture architecture() {
        return arch;
    }

    public int itemCount() {
        return items;
    }

    public int tensorCount() {
        return tensors.length;
    }

    /** The live tensor {@code index}, shaped as {@link LatticeArchitecture#tensors()} says. */
    public float[] tensor(int index) {
        return tensors[index];
    }

    /** The live behaviour embeddings, {@code items x dim}: what histories are pooled from. */
    public float[] itemEmbeddings() {
        return itemEmbeddings;
    }

    /** The live rerank embeddings, {@code items x dim}: the reranker's item vectors. */
    public float[] rerankEmbeddings() {
        return rerankEmbeddings;
    }

    /** A copy of the tensors, as a segment stores them. */
    public LatticeWeights weights() {
        float[][] copy = new float[tensors.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = tensors[i].clone();
        }
        return new LatticeWeights(arch, copy);
    }

    /**
     * The serving scorer over this model's live arrays: valid while nothing trains it (the M-step's searches and the
     * validation run between optimiser steps).
     */
    public LatticeModelScorer scorer(Kernels kernels) {
        return new LatticeModelScorer(new LatticeWeights(arch, tensors), MemorySegment.ofArray(itemEmbeddings),
                MemorySegment.ofArray(rerankEmbeddings), kernels);
    }

    /** A copy of every array: the checkpoint that early stopping goes back to with {@link #restore}. */
    public float[][] checkpoint() {
        float[][] live = live();
        float[][] copy = new float[live.length][];
        for (int i = 0; i < live.length; i++) {
            copy[i] = live[i].clone();
        }
        return copy;
    }

    /** Puts back what {@link #checkpoint()} copied. */
    public void restore(float[][] checkpoint) {
        float[][] live = live();
        if (checkpoint.length != live.length) {
            throw new IllegalArgumentException("a checkpoint of " + checkpoint.length + " arrays, the model has "
                    + live.length);
        }
        for (int i = 0; i < live.length; i++) {
            System.arraycopy(checkpoint[i], 0, live[i], 0, live[i].length);
        }
    }

    private float[][] live() {
        float[][] all = java.util.Arrays.copyOf(tensors, tensors.length + 2);
        all[tensors.length] = itemEmbeddings;
        all[tensors.length + 1] = rerankEmbeddings;
        return all;
    }
}
