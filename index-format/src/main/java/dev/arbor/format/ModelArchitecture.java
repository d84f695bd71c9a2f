package dev.arbor.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shape of a scoring model; the tensor list (and so the on-disk layout) is derived from it.
 *
 * <p>Input: up to {@code sum(windowSizes)} behaviours (item embeddings, oldest slot first) and one
 * candidate node embedding {@code n}, all of {@code embeddingDim}. The attention-DNN weights each
 * behaviour {@code b} by an activation unit {@code a = w2 . PReLU(W1 [b; b*n; n] + b1) + b2}; the MLP
 * model uses {@code a = 1}. Each window is the mean of {@code a*b} over its non-empty slots (zero when
 * empty). The pooled windows and {@code n} are concatenated and go through the hidden layers
 * ({@code W x + b} then PReLU) and a linear 2-way output; the score is {@code logit1 - logit0}.
 */
public record ModelArchitecture(ModelKind kind, int embeddingDim, int[] windowSizes, int attentionHidden,
                                int[] mlpHidden) {

    public static final int OUTPUTS = 2;
    /** Most elements one tensor or scorer buffer may hold: sizes are ints, and a reader must not overflow them. */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    public ModelArchitecture {
        windowSizes = windowSizes.clone();
        mlpHidden = mlpHidden.clone();
        Mlp.checkInput(embeddingDim, windowSizes);
        Mlp.checkHidden("hidden layer", mlpHidden);
        if (kind == ModelKind.ATTENTION_DNN) {
            Mlp.check(attentionHidden >= 1 && attentionHidden <= 65536,
                    "attentionHidden must be in [1, 65536] for the attention-DNN, got " + attentionHidden);
        } else {
            Mlp.check(attentionHidden == 0, "attentionHidden must be 0 for the MLP model, got " + attentionHidden);
        }
        long largest = largestArray(embeddingDim, windowSizes, attentionHidden, mlpHidden);
        Mlp.check(largest <= MAX_ARRAY, "the model is too large: one of its tensors or per-query buffers would hold "
                + largest + " floats, more than " + MAX_ARRAY);
    }

    /**
     * The largest tensor or per-query buffer the numbers imply, computed in longs: each limit above is
     * modest, but their products (a hidden width times the pooled input, the history times a layer) are not.
     */
    private static long largestArray(int dim, int[] windows, int attention, int[] hidden) {
        long history = Arrays.stream(windows).asLongStream().sum();
        long largest = Math.max(3L * dim * attention, history * Math.max(dim, attention * (dim + 1L)));
        largest = Math.max(largest, history * hidden[0]);
        return Math.max(largest, Mlp.largestTensor((long) windows.length * dim + dim, hidden, OUTPUTS));
    }

    /** The paper's attention-DNN: dim 24, 69 behaviours in 10 windows, unit 36, MLP 128-64-24. */
    public static ModelArchitecture tdmAttentionDnn() {
        return new ModelArchitecture(ModelKind.ATTENTION_DNN, 24, BehaviourWindows.sizes(), 36, new int[] {128, 64, 24});
    }

    /** The plain MLP model with the same windows and hidden layers. */
    public static ModelArchitecture tdmMlp() {
        return new ModelArchitecture(ModelKind.MLP, 24, BehaviourWindows.sizes(), 0, new int[] {128, 64, 24});
    }

    public boolean hasAttention() {
        return kind == ModelKind.ATTENTION_DNN;
    }

    public int historyLength() {
        return Arrays.stream(windowSizes).sum();
    }

    public int windowCount() {
        return windowSizes.length;
    }

    /** Width of the first MLP layer's input: pooled windows then the node embedding. */
    public int mlpInput() {
        return windowSizes.length * embeddingDim + embeddingDim;
    }

    /** Window index of each history slot (slot 0 is the oldest). */
    public int[] windowOfSlot() {
        return BehaviourWindows.windowOfSlot(windowSizes);
    }

    /**
     * Tensors in their canonical (on-disk) order. Attention-DNN only: {@code att.w1 [A x 3d]} (columns
     * ordered [b; b*n; n]), {@code att.b1 [A]}, {@code att.alpha [A]}, {@code att.w2 [A]},
     * {@code att.b2 [1]}. Both kinds: per hidden layer i {@code mlp<i>.w [h_i x in_i]},
     * {@code mlp<i>.b [h_i]}, {@code mlp<i>.alpha [h_i]}; then {@code out.w [2 x h_last]},
     * {@code out.b [2]}.
     */
    public List<TensorSpec> tensors() {
        List<TensorSpec> t = new ArrayList<>();
        if (hasAttention()) {
            t.add(new TensorSpec("att.w1", attentionHidden, 3 * embeddingDim));
            t.add(new TensorSpec("att.b1", 1, attentionHidden));
            t.add(new TensorSpec("att.alpha", 1, attentionHidden));
            t.add(new TensorSpec("att.w2", 1, attentionHidden));
            t.add(new TensorSpec("att.b2", 1, 1));
        }
        Mlp.addTensors(t, "", mlpInput(), mlpHidden, OUTPUTS);
        return t;
    }

    /** Index of the named tensor in {@link #tensors()}. */
    public int tensorIndex(String name) {
        return TensorSpec.indexOf(tensors(), name, kind);
    }

    /** Multiply-accumulates to score one candidate, computed the naive (literal) way. */
    public long naiveMacsPerCandidate() {
        long macs = 0;
        int d = embeddingDim;
        if (hasAttention()) {
            macs += (long) historyLength() * (attentionHidden * 3L * d + attentionHidden);
        }
        int in = mlpInput();
        for (int h : mlpHidden) {
            macs += (long) in * h;
            in = h;
        }
        return macs + (long) in * OUTPUTS;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelArchitecture m && m.kind == kind && m.embeddingDim == embeddingDim
                && Arrays.equals(m.windowSizes, windowSizes) && m.attentionHidden == attentionHidden
                && Arrays.equals(m.mlpHidden, mlpHidden);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(windowSizes) * 17 + Arrays.hashCode(mlpHidden) + embeddingDim;
    }

    @Override
    public String toString() {
        return kind + "(dim=" + embeddingDim + ", windows=" + Arrays.toString(windowSizes) + ", attention="
                + attentionHidden + ", hidden=" + Arrays.toString(mlpHidden) + ")";
    }
}
