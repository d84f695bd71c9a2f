package dev.arbor.scorer;

import dev.arbor.format.ModelArchitecture;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.arbor.scorer.ScalarKernels.FLOAT;

/**
 * Scores candidate nodes for one user with either model, a whole batch of candidates per call.
 *
 * <p>The work is rearranged so that everything that depends only on the user is done once per query
 * ({@link #prepare}) and the per-candidate work is a handful of GEMMs whose columns are candidates:
 * <ul>
 *   <li>Activation unit: {@code W1 [b; b*n; n] = (Wbn diag(b) + Wn) n + Wb b}, so per behaviour j the
 *       query builds {@code G_j = [Wbn diag(b_j) + Wn | Wb b_j + b1]} and a chunk of candidates costs one
 *       {@code A x (d+1)} by {@code (d+1) x C} GEMM against the embeddings with a row of ones.</li>
 *   <li>Window pooling folded into the first MLP layer: {@code W_w mean_w(a_j b_j) = sum_j a_j (W_w b_j / |w|)},
 *       so the layer is {@code P a + Wn' n + b} with {@code P = [W_w(j) b_j / |w(j)|]_j} per query.</li>
 * </ul>
 * Instances are immutable and thread-safe; each thread brings its own {@link ScoringContext}.
 */
public final class NodeScorer {
    /** Candidates per GEMM column block: small enough that a chunk's buffers stay in L1/L2. */
    static final int CHUNK = 128;

    final ModelArchitecture architecture;
    final int dim, historyLength, windowCount, attentionHidden;
    final int[] hidden;
    private final int[] windowOfSlot;
    private final Kernels kernels;
    private final MemorySegment embeddings;
    private final long embeddingRows;
    private final MemorySegment attW1, attB1, attAlpha, attW2;
    private final float attB2;
    private final MemorySegment[] layerW, layerB, layerAlpha;
    /** out.w[1] - out.w[0] and out.b[1] - out.b[0]: the score is the logit difference. */
    private final MemorySegment outputDiff;
    private final float outputBiasDiff;

    public NodeScorer(ModelTensors model, MemorySegment nodeEmbeddings, Kernels kernels) {
        this.architecture = model.architecture();
        this.kernels = kernels;
        this.embeddings = nodeEmbeddings;
        this.dim = architecture.embeddingDim();
        this.historyLength = architecture.historyLength();
        this.windowCount = architecture.windowCount();
        this.attentionHidden = architecture.attentionHidden();
        this.hidden = architecture.mlpHidden();
        this.windowOfSlot = architecture.windowOfSlot();
        if (nodeEmbeddings.byteSize() % ((long) dim * Float.BYTES) != 0) {
            throw new IllegalArgumentException("embedding bytes " + nodeEmbeddings.byteSize() + " are not rows of dim " + dim);
        }
        this.embeddingRows = nodeEmbeddings.byteSize() / ((long) dim * Float.BYTES);
        if (architecture.hasAttention()) {
            attW1 = model.tensor("att.w1");
            attB1 = model.tensor("att.b1");
            attAlpha = model.tensor("att.alpha");
            attW2 = model.tensor("att.w2");
            attB2 = model.tensor("att.b2").get(FLOAT, 0);
        } else {
            attW1 = attB1 = attAlpha = attW2 = null;
            attB2 = 0;
        }
        layerW = new MemorySegment[hidden.length];
        layerB = new MemorySegment[hidden.length];
        layerAlpha = new MemorySegment[hidden.length];
        for (int i = 0; i < hidden.length; i++) {
            layerW[i] = model.tensor("mlp" + i + ".w");
            layerB[i] = model.tensor("mlp" + i + ".b");
            layerAlpha[i] = model.tensor("mlp" + i + ".alpha");
        }
        int last = hidden[hidden.length - 1];
        MemorySegment outW = model.tensor("out.w"), outB = model.tensor("out.b");
        float[] diff = new float[last];
        for (int i = 0; i < last; i++) {
            diff[i] = outW.get(FLOAT, (long) (last + i) * Float.BYTES) - outW.get(FLOAT, (long) i * Float.BYTES);
        }
        outputDiff = offHeap(diff.length);
        MemorySegment.copy(diff, 0, outputDiff, FLOAT, 0, diff.length);
        outputBiasDiff = outB.get(FLOAT, Float.BYTES) - outB.get(FLOAT, 0);
    }

    public ModelArchitecture architecture() {
        return architecture;
    }

    public Kernels kernels() {
        return kernels;
    }

    public ScoringContext newContext() {
        return new ScoringContext(this);
    }

    /**
     * Computes the query-side terms for a history of {@link ModelArchitecture#historyLength()} slots
     * (oldest first), each a node id whose embedding is the behaviour, or -1 for an empty slot.
     */
    public void prepare(ScoringContext ctx, int[] historyNodes) {
        if (historyNodes.length != historyLength) {
            throw new IllegalArgumentException("history must have " + historyLength + " slots, got " + historyNodes.length);
        }
        int d = dim, v = 0;
        Arrays.fill(ctx.windowCounts, 0);
        for (int s = 0; s < historyLength; s++) {
            int node = historyNodes[s];
            if (node < 0) {
                continue;
            }
            checkRow(node);
            MemorySegment.copy(embeddings, FLOAT, (long) node * d * Float.BYTES, ctx.behaviours, v * d, d);
            ctx.validSlots[v++] = s;
            ctx.windowCounts[windowOfSlot[s]]++;
        }
        ctx.validCount = v;
        int h0 = hidden[0], in0 = architecture.mlpInput();
        float[] b = ctx.behaviours;
        if (architecture.hasAttention()) {
            int a = attentionHidden, stride = d + 1, row3d = 3 * d;
            for (int j = 0; j < v; j++) {
                int base = j * a * stride;
                for (int u = 0; u < a; u++) {
                    long w = (long) u * row3d * Float.BYTES;
                    float bias = attB1.get(FLOAT, (long) u * Float.BYTES);
                    int g = base + u * stride;
                    for (int k = 0; k < d; k++) {
                        float bk = b[j * d + k];
                        bias += attW1.get(FLOAT, w + (long) k * Float.BYTES) * bk;
                        ctx.slotWeights[g + k] = attW1.get(FLOAT, w + (long) (d + k) * Float.BYTES) * bk
                                + attW1.get(FLOAT, w + (long) (2 * d + k) * Float.BYTES);
                    }
                    ctx.slotWeights[g + d] = bias;
                }
            }
            for (int i = 0; i < h0; i++) {
                long w = (long) i * in0 * Float.BYTES;
                for (int j = 0; j < v; j++) {
                    int window = windowOfSlot[ctx.validSlots[j]];
                    float acc = 0;
                    for (int k = 0; k < d; k++) {
                        acc += layerW[0].get(FLOAT, w + (long) (window * d + k) * Float.BYTES) * b[j * d + k];
                    }
                    ctx.pooledWeights[i * v + j] = acc / ctx.windowCounts[window];
                }
            }
        } else {
            for (int i = 0; i < h0; i++) {
                long w = (long) i * in0 * Float.BYTES;
                float acc = layerB[0].get(FLOAT, (long) i * Float.BYTES);
                for (int j = 0; j < v; j++) {
                    int window = windowOfSlot[ctx.validSlots[j]];
                    float dotted = 0;
                    for (int k = 0; k < d; k++) {
                        dotted += layerW[0].get(FLOAT, w + (long) (window * d + k) * Float.BYTES) * b[j * d + k];
                    }
                    acc += dotted / ctx.windowCounts[window];
                }
                ctx.firstLayerBias[i] = acc;
            }
        }
        // The GEMMs read their left operand from a segment; keeping every one of them off-heap, like the
        // mapped weights, keeps those reads monomorphic (mixing heap and native segments at one call site
        // cost 1.7x on the attention level: 4.2 ms against 2.4 ms for 800 candidates).
        MemorySegment.copy(ctx.slotWeights, 0, ctx.slotWeightsSegment, FLOAT, 0, v * attentionHidden * (d + 1));
        MemorySegment.copy(ctx.pooledWeights, 0, ctx.pooledWeightsSegment, FLOAT, 0, hidden[0] * v);
        MemorySegment.copy(ctx.firstLayerBias, 0, ctx.firstLayerBiasSegment, FLOAT, 0, hidden[0]);
        ctx.prepared = true;
    }

    /** Scores {@code nodes[from .. from+count)} into {@code out[outOff ..]}; needs a prepared context. */
    public void score(ScoringContext ctx, int[] nodes, int from, int count, float[] out, int outOff) {
        if (!ctx.prepared) {
            throw new IllegalStateException("prepare() the context with a history first");
        }
        for (int start = 0; start < count; start += CHUNK) {
            int n = Math.min(CHUNK, count - start);
            scoreChunk(ctx, nodes, from + start, n, out, outOff + start);
        }
    }

    private void scoreChunk(ScoringContext ctx, int[] nodes, int from, int count, float[] out, int outOff) {
        final int c = CHUNK, d = dim;
        // Inner layers run on whole blocks of 32 columns (stale columns past count are harmless and
        // ignored) so the kernels stay on their full-vector path; only count scores are copied out.
        final int n = (count + 31) & -32;
        float[] x = ctx.columns;
        for (int col = 0; col < count; col++) {
            int node = nodes[from + col];
            checkRow(node);
            long row = (long) node * d * Float.BYTES;
            for (int k = 0; k < d; k++) {
                x[k * c + col] = embeddings.get(FLOAT, row + (long) k * Float.BYTES);
            }
        }
        int h0 = hidden[0], v = ctx.validCount;
        float[] h1 = ctx.layers[0];
        if (architecture.hasAttention()) {
            int a = attentionHidden;
            float[] hid = ctx.attentionHidden, aw = ctx.attentionWeights;
            for (int j = 0; j < v; j++) {
                kernels.gemm(ctx.slotWeightsSegment, (long) j * a * (d + 1) * Float.BYTES, d + 1, a, d + 1, x, 0, c,
                        hid, 0, c, n, false);
                for (int u = 0; u < a; u++) {
                    kernels.prelu(hid, u * c, n, attAlpha.get(FLOAT, (long) u * Float.BYTES));
                }
                Arrays.fill(aw, j * c, j * c + n, attB2);
                kernels.gemm(attW2, 0, a, 1, a, hid, 0, c, aw, j * c, c, n, true);
            }
            fillRows(h1, h0, n, layerB[0]);
            kernels.gemm(ctx.pooledWeightsSegment, 0, v, h0, v, aw, 0, c, h1, 0, c, n, true);
        } else {
            fillRows(h1, h0, n, ctx.firstLayerBiasSegment);
        }
        int in0 = architecture.mlpInput();
        kernels.gemm(layerW[0], (long) (in0 - d) * Float.BYTES, in0, h0, d, x, 0, c, h1, 0, c, n, true);
        preluRows(h1, h0, n, layerAlpha[0]);
        for (int i = 1; i < hidden.length; i++) {
            float[] prev = ctx.layers[i - 1], cur = ctx.layers[i];
            fillRows(cur, hidden[i], n, layerB[i]);
            kernels.gemm(layerW[i], 0, hidden[i - 1], hidden[i], hidden[i - 1], prev, 0, c, cur, 0, c, n, true);
            preluRows(cur, hidden[i], n, layerAlpha[i]);
        }
        int last = hidden[hidden.length - 1];
        Arrays.fill(ctx.scores, 0, n, outputBiasDiff);
        kernels.gemm(outputDiff, 0, last, 1, last, ctx.layers[hidden.length - 1], 0, c, ctx.scores, 0, c, n, true);
        System.arraycopy(ctx.scores, 0, out, outOff, count);
    }

    /**
     * Multiply-adds that {@link #score} spends per candidate for a history of {@code validSlots}
     * behaviours, counting the GEMMs above (not the padding columns of a partial block); compare with
     * {@link ModelArchitecture#naiveMacsPerCandidate()}.
     */
    public long macsPerCandidate(int validSlots) {
        long macs = (long) hidden[0] * dim;
        if (architecture.hasAttention()) {
            macs += (long) validSlots * ((long) attentionHidden * (dim + 1) + attentionHidden + hidden[0]);
        }
        for (int i = 1; i < hidden.length; i++) {
            macs += (long) hidden[i - 1] * hidden[i];
        }
        return macs + hidden[hidden.length - 1];
    }

    /** Multiply-adds of {@link #prepare} for {@code validSlots} behaviours: the once-per-query part. */
    public long prepareMacs(int validSlots) {
        long pooling = (long) hidden[0] * validSlots * dim;
        return architecture.hasAttention() ? pooling + 2L * validSlots * attentionHidden * dim : pooling;
    }

    private static void fillRows(float[] m, int rows, int n, MemorySegment bias) {
        for (int i = 0; i < rows; i++) {
            Arrays.fill(m, i * CHUNK, i * CHUNK + n, bias.get(FLOAT, (long) i * Float.BYTES));
        }
    }

    private void preluRows(float[] m, int rows, int n, MemorySegment alpha) {
        for (int i = 0; i < rows; i++) {
            kernels.prelu(m, i * CHUNK, n, alpha.get(FLOAT, (long) i * Float.BYTES));
        }
    }

    /** Zeroed, 64-byte aligned native floats, freed by the GC with their owner. */
    static MemorySegment offHeap(int floats) {
        return java.lang.foreign.Arena.ofAuto().allocate(Math.max(1, floats) * (long) Float.BYTES, 64);
    }

    private void checkRow(int node) {
        if (node < 0 || node >= embeddingRows) {
            throw new IndexOutOfBoundsException("node " + node + " outside the " + embeddingRows + " embedding rows");
        }
    }
}
