package dev.arbor.scorer;

import dev.arbor.format.ModelArchitecture;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.arbor.format.FramedFile.FLOAT;

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
 * The weights are copied from the (mapped) tensors onto the heap once, at construction: the kernels
 * read {@code float[]} operands (see {@link Kernels}). The node embeddings stay in their segment; only a
 * chunk's candidates are gathered from it.
 * Instances are immutable and thread-safe; each thread brings its own {@link ScoringContext}.
 */
public final class NodeScorer implements LevelScorer {
    /** Candidates per GEMM column block: small enough that a chunk's buffers stay in L1/L2. */
    static final int CHUNK = 128;

    final ModelArchitecture architecture;
    final int dim, historyLength, windowCount, attentionHidden;
    final int[] hidden;
    private final int[] windowOfSlot;
    private final Kernels kernels;
    private final MemorySegment embeddings;
    private final long embeddingRows;
    private final float[] attW1, attB1, attAlpha, attW2;
    private final float attB2;
    private final float[][] layerW, layerB, layerAlpha;
    /** The history part of the first layer's weights transposed: (windows x dim) rows of hidden[0]. */
    private final float[] historyWeightsByRow;
    /** out.w[1] - out.w[0] and out.b[1] - out.b[0]: the score is the logit difference. */
    private final float[] outputDiff;
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
            attW1 = model.array("att.w1");
            attB1 = model.array("att.b1");
            attAlpha = model.array("att.alpha");
            attW2 = model.array("att.w2");
            attB2 = model.array("att.b2")[0];
        } else {
            attW1 = attB1 = attAlpha = attW2 = null;
            attB2 = 0;
        }
        layerW = new float[hidden.length][];
        layerB = new float[hidden.length][];
        layerAlpha = new float[hidden.length][];
        for (int i = 0; i < hidden.length; i++) {
            layerW[i] = model.array("mlp" + i + ".w");
            layerB[i] = model.array("mlp" + i + ".b");
            layerAlpha[i] = model.array("mlp" + i + ".alpha");
        }
        int historyInputs = windowCount * dim;
        historyWeightsByRow = new float[historyInputs * hidden[0]];
        HistoryTerms.transposeHistoryWeights(layerW[0], architecture.mlpInput(), historyInputs, hidden[0],
                historyWeightsByRow);
        int last = hidden[hidden.length - 1];
        float[] outW = model.array("out.w"), outB = model.array("out.b");
        outputDiff = new float[last];
        for (int i = 0; i < last; i++) {
            outputDiff[i] = outW[last + i] - outW[i];
        }
        outputBiasDiff = outB[1] - outB[0];
    }

    public ModelArchitecture architecture() {
        return architecture;
    }

    @Override
    public int historyLength() {
        return historyLength;
    }

    public Kernels kernels() {
        return kernels;
    }

    @Override
    public ScoringContext newUser() {
        return new ScoringContext(this);
    }

    /**
     * Computes the query-side terms for a history of {@link ModelArchitecture#historyLength()} slots
     * (oldest first), each a node id whose embedding is the behaviour, or -1 for an empty slot.
     */
    @Override
    public void prepare(LevelScorer.User user, int[] historyNodes) {
        ScoringContext ctx = (ScoringContext) user;
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
        int h0 = hidden[0];
        float[] b = ctx.behaviours;
        if (architecture.hasAttention()) {
            HistoryTerms.slotWeights(kernels, attW1, attB1, attentionHidden, d, b, v, ctx.behavioursByColumn,
                    ctx.slotBias, ctx.slotWeights);
        }
        poolingWeights(ctx, v);
        if (!architecture.hasAttention()) {
            // Without attention every behaviour weighs 1, so the pooled input is a per-query constant.
            for (int i = 0; i < h0; i++) {
                float acc = layerB[0][i];
                for (int j = 0; j < v; j++) {
                    acc += ctx.pooledWeights[i * v + j];
                }
                ctx.firstLayerBias[i] = acc;
            }
        }
        ctx.prepared = true;
    }

    /**
     * {@code pooledWeights[i][j] = W0[i, window(j)] b_j / |window(j)|} for the {@code v} valid behaviours: the
     * shared {@link HistoryTerms#pooledByBehaviour}, whose {@code h0} columns fill whole vectors, then a
     * transpose into the layout the level's GEMM reads.
     */
    private void poolingWeights(ScoringContext ctx, int v) {
        int h0 = hidden[0];
        HistoryTerms.pooledByBehaviour(kernels, historyWeightsByRow, h0, dim, ctx.behaviours, v, ctx.validSlots,
                windowOfSlot, ctx.windowCounts, ctx.scaledBehaviours, ctx.pooledByBehaviour);
        for (int j = 0; j < v; j++) {
            for (int i = 0; i < h0; i++) {
                ctx.pooledWeights[i * v + j] = ctx.pooledByBehaviour[j * h0 + i];
            }
        }
    }

    /** Scores {@code nodes[from .. from+count)} into {@code out[outOff ..]}; needs a prepared context. */
    @Override
    public void score(LevelScorer.User user, int[] nodes, int from, int count, float[] out, int outOff) {
        ScoringContext ctx = (ScoringContext) user;
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
            float[] aw = ctx.attentionWeights;
            for (int j = 0; j < v; j++) {
                Arrays.fill(aw, j * c, j * c + n, attB2);
                kernels.gemmPreluDot(ctx.slotWeights, j * a * (d + 1), d + 1, a, d + 1, x, 0, c, attAlpha, attW2,
                        aw, j * c, n);
            }
            fillRows(h1, h0, n, layerB[0]);
            kernels.gemm(ctx.pooledWeights, 0, v, h0, v, aw, 0, c, h1, 0, c, n, true);
        } else {
            fillRows(h1, h0, n, ctx.firstLayerBias);
        }
        int in0 = architecture.mlpInput();
        kernels.gemm(layerW[0], in0 - d, in0, h0, d, x, 0, c, h1, 0, c, n, true);
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

    private static void fillRows(float[] m, int rows, int n, float[] bias) {
        for (int i = 0; i < rows; i++) {
            Arrays.fill(m, i * CHUNK, i * CHUNK + n, bias[i]);
        }
    }

    private void preluRows(float[] m, int rows, int n, float[] alpha) {
        for (int i = 0; i < rows; i++) {
            kernels.prelu(m, i * CHUNK, n, alpha[i]);
        }
    }

    private void checkRow(int node) {
        if (node < 0 || node >= embeddingRows) {
            throw new IndexOutOfBoundsException("node " + node + " outside the " + embeddingRows + " embedding rows");
        }
    }
}
