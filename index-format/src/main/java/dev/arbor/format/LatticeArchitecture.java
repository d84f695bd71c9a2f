package dev.arbor.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shape of a Deep Retrieval model over a {@link LatticeShape}; its tensor list (and so the on-disk layout) is derived
 * from it.
 *
 * <p>The user is {@code u}, the history's item embeddings mean-pooled per window ({@link BehaviourWindows}): width
 * {@code W x dim}, zeros for an empty window. Layer {@code d} scores the K codes of the lattice's layer d given the
 * codes chosen above it: an MLP over {@code [u; code_0[c_0]; ...; code_{d-1}[c_{d-1}]]} (width {@code (W + d) x dim}),
 * hidden layers {@code layerHidden} with PReLU, and a linear output of K logits (softmax over K when serving). The
 * reranker maps {@code u} through hidden layers {@code rerankHidden} with PReLU and a linear output to a dim-wide user
 * vector, whose dot product with an item's rerank embedding is the item's score.
 */
public record LatticeArchitecture(LatticeShape lattice, int embeddingDim, int[] windowSizes, int[] layerHidden,
                                  int[] rerankHidden) {

    /** Prefix of the reranker's MLP tensors, e.g. {@code rerank.mlp0.w}, {@code rerank.out.w}. */
    public static final String RERANK_PREFIX = "rerank.";

    public LatticeArchitecture {
        windowSizes = windowSizes.clone();
        layerHidden = layerHidden.clone();
        rerankHidden = rerankHidden.clone();
        Mlp.checkInput(embeddingDim, windowSizes);
        Mlp.checkHidden("layer hidden layer", layerHidden);
        Mlp.checkHidden("rerank hidden layer", rerankHidden);
        long user = (long) windowSizes.length * embeddingDim;
        long largest = Math.max((long) lattice.k() * embeddingDim, Mlp.largestTensor(user, rerankHidden, embeddingDim));
        largest = Math.max(largest, Mlp.largestTensor(user + (lattice.depth() - 1L) * embeddingDim, layerHidden,
                lattice.k()));
        Mlp.check(largest <= ModelArchitecture.MAX_ARRAY, "the model is too large: one of its tensors would hold "
                + largest + " floats, more than " + ModelArchitecture.MAX_ARRAY);
    }

    /** The design's defaults over {@code lattice}: dim 24, TDM's 10 windows, layer MLPs 128-64, reranker 128. */
    public static LatticeArchitecture defaults(LatticeShape lattice) {
        return new LatticeArchitecture(lattice, 24, BehaviourWindows.sizes(), new int[] {128, 64}, new int[] {128});
    }

    public int k() {
        return lattice.k();
    }

    public int depth() {
        return lattice.depth();
    }

    public int windowCount() {
        return windowSizes.length;
    }

    /** Width of the user vector {@code u}: the pooled windows, {@code W x dim}. */
    public int userWidth() {
        return windowSizes.length * embeddingDim;
    }

    /** Width of layer {@code layer}'s input: {@code u} and the embeddings of the codes above it. */
    public int layerInput(int layer) {
        return userWidth() + layer * embeddingDim;
    }

    /** Name of the code embedding table of layer {@code layer}, {@code K x dim}. */
    public static String codeTensor(int layer) {
        return "code" + layer;
    }

    /** Prefix of layer {@code layer}'s MLP tensors, e.g. {@code layer1.mlp0.w}, {@code layer1.out.b}. */
    public static String layerPrefix(int layer) {
        return "layer" + layer + ".";
    }

    /**
     * Tensors in their canonical (on-disk) order: the code embeddings {@code code<d> [K x dim]} for d = 0..D-1; then
     * per layer d its MLP: per hidden layer i {@code layer<d>.mlp<i>.w [h_i x in_i]} (in_0 = {@link #layerInput}(d)),
     * {@code layer<d>.mlp<i>.b [h_i]}, {@code layer<d>.mlp<i>.alpha [h_i]}, then {@code layer<d>.out.w [K x h_last]},
     * {@code layer<d>.out.b [K]}; then the reranker's, likewise with prefix {@code rerank.}, input {@code W x dim}
     * and output width dim.
     */
    public List<TensorSpec> tensors() {
        List<TensorSpec> t = new ArrayList<>();
        for (int d = 0; d < depth(); d++) {
            t.add(new TensorSpec(codeTensor(d), k(), embeddingDim));
        }
        for (int d = 0; d < depth(); d++) {
            Mlp.addTensors(t, layerPrefix(d), layerInput(d), layerHidden, k());
        }
        Mlp.addTensors(t, RERANK_PREFIX, userWidth(), rerankHidden, embeddingDim);
        return t;
    }

    /** Index of the named tensor in {@link #tensors()}. */
    public int tensorIndex(String name) {
        return TensorSpec.indexOf(tensors(), name, this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatticeArchitecture a && a.lattice.equals(lattice) && a.embeddingDim == embeddingDim
                && Arrays.equals(a.windowSizes, windowSizes) && Arrays.equals(a.layerHidden, layerHidden)
                && Arrays.equals(a.rerankHidden, rerankHidden);
    }

    @Override
    public int hashCode() {
        return ((lattice.hashCode() * 31 + Arrays.hashCode(windowSizes)) * 31 + Arrays.hashCode(layerHidden)) * 31
                + Arrays.hashCode(rerankHidden) + embeddingDim;
    }

    @Override
    public String toString() {
        return "lattice(K=" + k() + ", D=" + depth() + ", dim=" + embeddingDim + ", windows="
                + Arrays.toString(windowSizes) + ", layers=" + Arrays.toString(layerHidden) + ", rerank="
                + Arrays.toString(rerankHidden) + ")";
    }
}
