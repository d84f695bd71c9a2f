package dev.arbor.lattice;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeShape;
import dev.arbor.format.LatticeWeights;
import dev.arbor.scorer.Kernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Deep Retrieval model of a {@link LatticeArchitecture} as the lattice search and the reranker run it, on the
 * scorer's kernels. A user is its history's item embeddings mean-pooled per time window ({@code u}). Layer d's first
 * hidden layer splits as {@code W [u; codes] = W_u u + W_c codes}: the user's part is computed once per user and layer
 * by {@link #prepare}, so that scoring a beam's layer is one GEMM over the prefixes' code embeddings, then a GEMM per
 * further layer, and a log-softmax per prefix. The reranker's user vector is computed once per user too.
 */
public final class LatticeModelScorer implements LayerScorer<LatticeModelScorer.User>, Reranker<LatticeModelScorer.User> {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final LatticeArchitecture arch;
    private final int dim, userWidth, k, depth;
    private final int[] hidden, rerankHidden, windowOfSlot;
    /** Per layer d: code table, hidden weights/biases/slopes per hidden layer, output weights and biases. */
    private final float[][] codes;
    private final float[][][] w, b, alpha;
    private final float[][] outW, outB;
    private final float[][] rw, rb, ralpha;
    private final float[] routW, routB;
    private final MemorySegment itemEmbeddings, rerankEmbeddings;
    private final Kernels kernels;

    /** Per-thread state of one user: {@code u}, each layer's user part of its first hidden layer, and scratch. */
    public static final class User {
        final float[] u, rerankVector;
        final float[][] userPart, rerankHidden;
        final int[] slots = new int[BehaviourWindows.SLOTS];
        final int[] filled;
        float[] codeInput = new float[0], hiddenA = new float[0], hiddenB = new float[0], logits = new float[0];

        User(LatticeModelScorer m) {
            u = new float[m.userWidth];
            rerankVector = new float[m.dim];
            userPart = new float[m.depth][m.hidden[0]];
            rerankHidden = new float[m.rerankHidden.length][];
            for (int i = 0; i < rerankHidden.length; i++) {
                rerankHidden[i] = new float[m.rerankHidden[i]];
            }
            filled = new int[m.arch.windowCount()];
        }
    }

    /**
     * @param weights          the model's tensors
     * @param itemEmbeddings   {@code N x dim} little-endian floats: what histories are pooled from
     * @param rerankEmbeddings {@code N x dim} little-endian floats: the reranker's item vectors
     */
    public LatticeModelScorer(LatticeWeights weights, MemorySegment itemEmbeddings, MemorySegment rerankEmbeddings,
                              Kernels kernels) {
        this.arch = weights.architecture();
        this.dim = arch.embeddingDim();
        this.userWidth = arch.userWidth();
        this.k = arch.k();
        this.depth = arch.depth();
        this.hidden = arch.layerHidden();
        this.rerankHidden = arch.rerankHidden();
        this.windowOfSlot = BehaviourWindows.windowOfSlot(arch.windowSizes());
        if (windowOfSlot.length != BehaviourWindows.SLOTS) {
            throw new IllegalArgumentException("the model's windows hold " + windowOfSlot.length + " behaviours, the"
                    + " history layout " + BehaviourWindows.SLOTS);
        }
        if (itemEmbeddings.byteSize() != rerankEmbeddings.byteSize() || itemEmbeddings.byteSize() % (4L * dim) != 0) {
            throw new IllegalArgumentException("item and rerank embeddings must both be N x " + dim + " floats, got "
                    + itemEmbeddings.byteSize() + " and " + rerankEmbeddings.byteSize() + " bytes");
        }
        this.itemEmbeddings = itemEmbeddings;
        this.rerankEmbeddings = rerankEmbeddings;
        this.kernels = kernels;
        codes = new float[depth][];
        w = new float[depth][hidden.length][];
        b = new float[depth][hidden.length][];
        alpha = new float[depth][hidden.length][];
        outW = new float[depth][];
        outB = new float[depth][];
        for (int d = 0; d < depth; d++) {
            codes[d] = weights.tensor(LatticeArchitecture.codeTensor(d));
            String p = LatticeArchitecture.layerPrefix(d);
            for (int i = 0; i < hidden.length; i++) {
                w[d][i] = weights.tensor(p + "mlp" + i + ".w");
                b[d][i] = weights.tensor(p + "mlp" + i + ".b");
                alpha[d][i] = weights.tensor(p + "mlp" + i + ".alpha");
            }
            outW[d] = weights.tensor(p + "out.w");
            outB[d] = weights.tensor(p + "out.b");
        }
        rw = new float[rerankHidden.length][];
        rb = new float[rerankHidden.length][];
        ralpha = new float[rerankHidden.length][];
        for (int i = 0; i < rerankHidden.length; i++) {
            rw[i] = weights.tensor(LatticeArchitecture.RERANK_PREFIX + "mlp" + i + ".w");
            rb[i] = weights.tensor(LatticeArchitecture.RERANK_PREFIX + "mlp" + i + ".b");
            ralpha[i] = weights.tensor(LatticeArchitecture.RERANK_PREFIX + "mlp" + i + ".alpha");
        }
        routW = weights.tensor(LatticeArchitecture.RERANK_PREFIX + "out.w");
        routB = weights.tensor(LatticeArchitecture.RERANK_PREFIX + "out.b");
    }

    /** Items the model knows. */
    public int itemCount() {
        return (int) (itemEmbeddings.byteSize() / (4L * dim));
    }

    /** The newest behaviours of a history that {@link #prepare} reads: its time windows' slots. */
    public int historyLength() {
        return windowOfSlot.length;
    }

    @Override
    public LatticeShape lattice() {
        return arch.lattice();
    }

    @Override
    public User newUser() {
        return new User(this);
    }

    /**
     * Encodes a user from the ordinals {@code history[0 .. count)}, most recent last (only the newest
     * {@link BehaviourWindows#SLOTS} count), and computes what every later call reuses.
     */
    public void prepare(User user, int[] history, int count) {
        java.util.Arrays.fill(user.slots, BehaviourWindows.PADDING);
        int first = BehaviourWindows.firstFilledSlot(Math.min(count, user.slots.length), user.slots.length);
        for (int slot = first; slot < user.slots.length; slot++) {
            int ordinal = history[count - user.slots.length + slot];
            if (ordinal < 0 || ordinal >= itemCount()) {
                throw new IllegalArgumentException("history item ordinal " + ordinal + " outside [0, " + itemCount() + ")");
            }
            user.slots[slot] = ordinal;
        }
        java.util.Arrays.fill(user.u, 0f);
        java.util.Arrays.fill(user.filled, 0);
        for (int slot = first; slot < user.slots.length; slot++) {
            int window = windowOfSlot[slot];
            user.filled[window]++;
            long row = (long) user.slots[slot] * dim;
            for (int t = 0; t < dim; t++) {
                user.u[window * dim + t] += itemEmbeddings.getAtIndex(FLOAT, row + t);
            }
        }
        for (int window = 0; window < user.filled.length; window++) {
            for (int t = 0; t < dim && user.filled[window] > 1; t++) {
                user.u[window * dim + t] /= user.filled[window];
            }
        }
        for (int d = 0; d < depth; d++) {
            System.arraycopy(b[d][0], 0, user.userPart[d], 0, hidden[0]);
            multiplyAdd(w[d][0], arch.layerInput(d), hidden[0], userWidth, user.u, user.userPart[d]);
        }
        float[] x = user.u;
        for (int i = 0; i < rerankHidden.length; i++) {
            float[] y = user.rerankHidden[i];
            System.arraycopy(rb[i], 0, y, 0, y.length);
            multiplyAdd(rw[i], x.length, y.length, x.length, x, y);
            prelu(y, 0, ralpha[i], y.length, 1);
            x = y;
        }
        System.arraycopy(routB, 0, user.rerankVector, 0, dim);
        multiplyAdd(routW, x.length, dim, x.length, x, user.rerankVector);
    }

    @Override
    public void logProbabilities(User user, int layer, int[] prefixes, int prefixCount, float[] out) {
        int n = prefixCount, codeWidth = layer * dim, h0 = hidden[0];
        user.codeInput = ensure(user.codeInput, codeWidth * n);
        int widest = h0;
        for (int h : hidden) {
            widest = Math.max(widest, h);
        }
        user.hiddenA = ensure(user.hiddenA, widest * n);
        user.hiddenB = ensure(user.hiddenB, widest * n);
        user.logits = ensure(user.logits, k * n);
        // Column i of the code input is prefix i's code embeddings, layer by layer.
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < layer; l++) {
                float[] table = codes[l];
                int code = prefixes[i * layer + l];
                for (int t = 0; t < dim; t++) {
                    user.codeInput[(l * dim + t) * n + i] = table[code * dim + t];
                }
            }
        }
        float[] h = user.hiddenA;
        for (int r = 0; r < h0; r++) {
            java.util.Arrays.fill(h, r * n, (r + 1) * n, user.userPart[layer][r]);
        }
        if (layer > 0) {
            kernels.gemm(w[layer][0], userWidth, arch.layerInput(layer), h0, codeWidth, user.codeInput, 0, n, h, 0, n, n,
                    true);
        }
        prelu(h, 0, alpha[layer][0], h0, n);
        int rows = h0;
        for (int i = 1; i < hidden.length; i++) {
            float[] next = h == user.hiddenA ? user.hiddenB : user.hiddenA;
            for (int r = 0; r < hidden[i]; r++) {
                java.util.Arrays.fill(next, r * n, (r + 1) * n, b[layer][i][r]);
            }
            kernels.gemm(w[layer][i], 0, rows, hidden[i], rows, h, 0, n, next, 0, n, n, true);
            prelu(next, 0, alpha[layer][i], hidden[i], n);
            h = next;
            rows = hidden[i];
        }
        for (int c = 0; c < k; c++) {
            java.util.Arrays.fill(user.logits, c * n, (c + 1) * n, outB[layer][c]);
        }
        kernels.gemm(outW[layer], 0, rows, k, rows, h, 0, n, user.logits, 0, n, n, true);
        for (int i = 0; i < n; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, user.logits[c * n + i]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(user.logits[c * n + i] - max);
            }
            float logSum = (float) (max + Math.log(sum));
            for (int c = 0; c < k; c++) {
                out[i * k + c] = user.logits[c * n + i] - logSum;
            }
        }
    }

    /** The rerank score of each candidate: the user's rerank vector dotted with the item's rerank embedding. */
    @Override
    public void score(User user, int[] items, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            long row = (long) items[i] * dim;
            float s = 0;
            for (int t = 0; t < dim; t++) {
                s += user.rerankVector[t] * rerankEmbeddings.getAtIndex(FLOAT, row + t);
            }
            out[i] = s;
        }
    }

    /**
     * {@code y += W[:, 0..cols) x} for a row-major {@code W} with row stride {@code ld}. Plain loops: it runs once per
     * user on a few thousand weights, and the kernels' vector row operations allocated 66 KB per user here.
     */
    private static void multiplyAdd(float[] w, int ld, int rows, int cols, float[] x, float[] y) {
        for (int r = 0; r < rows; r++) {
            float s = 0;
            for (int c = 0, at = r * ld; c < cols; c++, at++) {
                s += w[at] * x[c];
            }
            y[r] += s;
        }
    }

    /** PReLU on {@code rows x n} values, one slope per row. */
    private static void prelu(float[] x, int off, float[] slopes, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            float a = slopes[r];
            for (int j = off + r * n, end = j + n; j < end; j++) {
                if (x[j] < 0) {
                    x[j] *= a;
                }
            }
        }
    }

    private static float[] ensure(float[] buffer, int size) {
        return buffer.length >= size ? buffer : new float[size];
    }
}
