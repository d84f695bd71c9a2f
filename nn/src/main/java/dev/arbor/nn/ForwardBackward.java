package dev.arbor.nn;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.scorer.HistoryTerms;
import dev.arbor.scorer.Kernels;

import java.util.Arrays;

/**
 * One thread's share of the forward and backward passes, with all the scratch it needs so that no step
 * allocates. It computes in the scorer's GEMM formulation ({@link HistoryTerms}): what depends on the history
 * alone is built once per group, and each chunk of a group's candidates is a handful of GEMMs on the shared
 * kernels.
 *
 * <p>The input part (attention, window pooling, first dense layer) works a group at a time. With {@code X}
 * the chunk's candidate embeddings as columns over a row of ones, {@code G} the stacked {@code A x (d+1)}
 * blocks {@code G_j} and {@code P} the {@code v x h0} pooled first-layer rows of the behaviours:
 * <ul>
 *   <li>forward: {@code a_j = b2 + w2 . PReLU(G_j X)} (one fused GEMM per behaviour), then the first layer's
 *       rows {@code z0 = a^T P + X^T W0n^T + b0};</li>
 *   <li>backward, from {@code dZ = dz0}: {@code H = G X} is recomputed (the batch's {@code H} would not fit in
 *       cache) and turned elementwise into {@code dH}; the gradients are GEMMs whose inner dimension is the
 *       chunk or the stacked units: {@code dG += dH X^T}, {@code dX = W0n^T dZ^T + G^T dH},
 *       {@code dP += a dZ}, {@code da = P dZ^T}. Once per group, {@code dP} and {@code dG} are taken back to
 *       {@code W0}, {@code att.w1} and the behaviours.</li>
 * </ul>
 * The MLP part works a layer at a time over a range of pairs (rows), so BatchNorm statistics can be reduced
 * over the whole batch between layers: {@code Z = A W^T + b} forward, {@code dW += dZ^T A} and
 * {@code dA = dZ W} backward, one GEMM each over the range.
 */
final class ForwardBackward {

    private static final Kernels K = Kernels.best();
    /** Candidates per chunk of a group, as in the scorer: a chunk's buffers stay in L1/L2. */
    private static final int CHUNK = 128;
    /**
     * Columns are worked in blocks of this many, whole vectors for the GEMM tiles (a lone last vector has its own
     * tile, so 16 wastes less than 32: a group of 48 pairs is 48 columns, not 64).
     */
    private static final int BLOCK = 16;

    private final TrainableModel model;
    private final TransposedWeights transposed;
    private final float[][] p;
    private final boolean attention;
    private final int d;
    private final int att;
    private final int histWidth;
    private final int in0;
    private final int h0;
    private final int[] widths;
    private final int[] windowOfSlot;
    /** Row width of {@link #xRows}: the embedding, a one, zeros to a whole vector block. */
    private final int xWidth;
    /**
     * False with BatchNorm: the mean subtraction cancels a hidden layer's bias, so its gradient is zero and
     * is left exactly zero rather than float noise, which Adam would scale up to steps of the full rate.
     */
    private final boolean hiddenBiasTrained;

    // The current history: its non-empty slots, compacted, and its GEMM terms.
    private final int[] validSlots;
    private final int[] validRows;
    private final int[] windowCounts;
    private int v;
    private final float[] behaviours;
    private final float[] byColumn;
    private final float[] slotBias;
    /** Attention: the stacked {@code G_j}, {@code (v A) x (d+1)}, and rows {@code 0 .. d-1} of its transpose. */
    private final float[] slotWeights;
    private final float[] slotWeightsT;
    private final float[] scaled;
    /** {@code v x h0}: {@link HistoryTerms#pooledByBehaviour}. */
    private final float[] pooled;
    /** MLP kind: {@code b0 + sum_j pooled[j]}, the first layer's per-group constant. */
    private final float[] groupBias;

    // One chunk of candidates.
    /** {@code (d+1) x CHUNK}: embeddings as columns, then a row of ones (zeros past the chunk). */
    private final float[] xColumns;
    /** {@code CHUNK x xWidth}: embeddings as rows, each followed by a one. */
    private final float[] xRows;
    /** {@code v x CHUNK}: the attention weights {@code a_j} of each candidate, and their gradients. */
    private final float[] weights;
    private final float[] dWeights;
    /** {@code (v A) x CHUNK}: the activation unit's input, turned in place into its gradient. */
    private final float[] unit;
    /** {@code h0 x CHUNK}: the first layer's output gradient with candidates as columns. */
    private final float[] dzColumns;
    /** {@code d x CHUNK}: the candidates' embedding gradients as columns. */
    private final float[] dxColumns;
    private final float[] dCand;

    // Gradients accumulated over a group, then over the thread's groups.
    private final float[] dSlotWeights;
    /** {@code v x A}: the last column of each {@code dG_j}; {@code A x xWidth}: {@code sum_j dG_j}; ones to sum with. */
    private final float[] lastColumn;
    private final float[] summedSlotWeights;
    private final float[] ones;
    private final float[] dPooled;
    private final float[] dzSum;
    private final float[] dBehaviours;
    /** {@code (in0 + 1) x h0}: mlp0's weight gradient transposed, then its bias gradient. */
    private final float[] dFirstLayer;

    /** Per hidden layer: this thread's partial sums of the dense output and its square (BatchNorm). */
    final double[][] sum;
    final double[][] sumSq;
    private final float[][] invStd;

    ForwardBackward(TrainableModel model, TransposedWeights transposed) {
        this.model = model;
        this.transposed = transposed;
        ModelArchitecture a = model.architecture();
        p = new float[model.parameterCount()][];
        for (int i = 0; i < p.length; i++) {
            p[i] = model.parameter(i);
        }
        attention = a.hasAttention();
        d = a.embeddingDim();
        att = a.attentionHidden();
        hiddenBiasTrained = !model.options().batchNorm();
        histWidth = a.windowCount() * d;
        in0 = a.mlpInput();
        widths = a.mlpHidden();
        h0 = widths[0];
        windowOfSlot = a.windowOfSlot();
        xWidth = (d + 1 + 15) & -16;
        int h = a.historyLength();
        validSlots = new int[h];
        validRows = new int[h];
        windowCounts = new int[a.windowCount()];
        behaviours = new float[h * d];
        byColumn = new float[h * d];
        slotBias = new float[att * h];
        slotWeights = new float[h * att * (d + 1)];
        slotWeightsT = new float[d * h * att];
        scaled = new float[h * d];
        pooled = new float[h * h0];
        groupBias = new float[h0];
        xColumns = new float[(d + 1) * CHUNK];
        xRows = new float[CHUNK * xWidth];
        weights = new float[h * CHUNK];
        dWeights = new float[h * CHUNK];
        unit = new float[h * att * CHUNK];
        dzColumns = new float[h0 * CHUNK];
        dxColumns = new float[d * CHUNK];
        dCand = new float[d];
        dSlotWeights = new float[h * att * xWidth];
        lastColumn = new float[h * att];
        summedSlotWeights = new float[att * xWidth];
        ones = new float[h];
        Arrays.fill(ones, 1f);
        dPooled = new float[h * h0];
        dzSum = new float[h0];
        dBehaviours = new float[h * d];
        dFirstLayer = new float[(in0 + 1) * h0];
        sum = new double[widths.length][];
        sumSq = new double[widths.length][];
        invStd = new float[widths.length][];
        for (int l = 0; l < widths.length; l++) {
            sum[l] = new double[widths[l]];
            sumSq[l] = new double[widths[l]];
            invStd[l] = new float[widths[l]];
        }
    }

    /**
     * Multiply-adds one training step spends on a group of {@code count} candidates whose history has
     * {@code validSlots} behaviours: the GEMMs above at their real shapes (padding columns not counted), forward
     * and backward, the history terms built twice. The elementwise passes are left out.
     */
    static long multiplyAdds(ModelArchitecture a, int validSlots, int count) {
        if (count == 0) {
            return 0;
        }
        long v = validSlots, c = count, d = a.embeddingDim(), att = a.attentionHidden();
        int[] widths = a.mlpHidden();
        long h0 = widths[0];
        long mlp = 0;
        for (int l = 1; l < widths.length; l++) {
            mlp += (long) widths[l - 1] * widths[l];
        }
        mlp += (long) widths[widths.length - 1] * ModelArchitecture.OUTPUTS;
        long history = v * d * h0 + (a.hasAttention() ? v * att * d : 0);
        long forward = c * (d * h0 + mlp + (a.hasAttention() ? v * att * (d + 2) + v * h0 : 0));
        long backward = c * ((2 * d + 1) * h0 + 2 * mlp
                + (a.hasAttention() ? 2 * v * h0 + v * att * (d + 1) + v * att * (d + 1) + v * att * d : 0))
                + 2 * v * d * h0;
        return 2 * history + forward + backward;
    }

    float[] inverseStdScratch(int layer) {
        return invStd[layer];
    }

    private int rowOffset(int row) {
        if (row < 0 || row >= model.embeddingRows()) {
            throw new IllegalArgumentException("embedding row " + row + " out of [0, " + model.embeddingRows() + ")");
        }
        return row * d;
    }

    /** Compacts the non-empty slots of {@code history[ho ..]} and builds the history's GEMM terms. */
    private void loadHistory(int[] history, int ho) {
        Arrays.fill(windowCounts, 0);
        float[] emb = model.embeddings();
        v = 0;
        for (int s = 0; s < windowOfSlot.length; s++) {
            int row = history[ho + s];
            if (row == -1) {
                continue;
            }
            System.arraycopy(emb, rowOffset(row), behaviours, v * d, d);
            validRows[v] = row;
            validSlots[v++] = s;
            windowCounts[windowOfSlot[s]]++;
        }
        if (attention) {
            HistoryTerms.slotWeights(K, p[model.attW1], p[model.attB1], att, d, behaviours, v, byColumn, slotBias,
                    slotWeights);
        }
        HistoryTerms.pooledByBehaviour(K, transposed.historyByRow, h0, d, behaviours, v, validSlots, windowOfSlot,
                windowCounts, scaled, pooled);
        if (!attention) {
            System.arraycopy(p[model.mlpB[0]], 0, groupBias, 0, h0);
            for (int j = 0; j < v; j++) {
                K.axpy(1f, pooled, j * h0, groupBias, 0, h0);
            }
        }
    }

    /**
     * Loads candidates {@code cand[from .. from + n)} into {@link #xColumns}, zero past {@code n} up to
     * {@code columns}, and for the backward pass into {@link #xRows}.
     */
    private void gather(int[] cand, int from, int n, int columns, boolean rows) {
        float[] emb = model.embeddings();
        for (int c = 0; c < n; c++) {
            int off = rowOffset(cand[from + c]);
            for (int k = 0; k < d; k++) {
                xColumns[k * CHUNK + c] = emb[off + k];
            }
            xColumns[d * CHUNK + c] = 1f;
            if (rows) {
                System.arraycopy(emb, off, xRows, c * xWidth, d);
                xRows[c * xWidth + d] = 1f;
            }
        }
        for (int k = 0; k <= d; k++) {
            Arrays.fill(xColumns, k * CHUNK + n, k * CHUNK + columns, 0f);
        }
    }

    private static int blocks(int n) {
        return (n + BLOCK - 1) / BLOCK * BLOCK;
    }

    /**
     * Forward of the input part for one group: writes the first hidden layer's dense output for pairs
     * {@code pairBase .. pairBase + count}.
     */
    void forwardInput(int[] history, int ho, int[] cand, int co, int count, BatchActivations a, int pairBase) {
        loadHistory(history, ho);
        float[] z = a.pre[0];
        float[] bias = attention ? p[model.mlpB[0]] : groupBias;
        for (int start = 0; start < count; start += CHUNK) {
            int n = Math.min(CHUNK, count - start);
            int columns = blocks(n);
            int zo = (pairBase + start) * h0;
            gather(cand, co + start, n, columns, false);
            for (int c = 0; c < n; c++) {
                System.arraycopy(bias, 0, z, zo + c * h0, h0);
            }
            if (attention && v > 0) {
                attentionWeights(columns);
                K.gemmTransposedA(weights, 0, CHUNK, n, v, pooled, 0, h0, z, zo, h0, h0, true);
            }
            K.gemmTransposedA(xColumns, 0, CHUNK, n, d, transposed.candidateByRow, 0, h0, z, zo, h0, h0, true);
        }
    }

    /** {@code weights[j] = b2 + w2 . PReLU(G_j X)} for the chunk in {@link #xColumns}: the scorer's fused GEMM. */
    private void attentionWeights(int columns) {
        float b2 = p[model.attB2][0];
        for (int j = 0; j < v; j++) {
            Arrays.fill(weights, j * CHUNK, j * CHUNK + columns, b2);
            K.gemmPreluDot(slotWeights, j * att * (d + 1), d + 1, att, d + 1, xColumns, 0, CHUNK, p[model.attAlpha],
                    p[model.attW2], weights, j * CHUNK, columns);
        }
    }

    /** Zeroes this thread's first-layer gradient before the groups' {@link #backwardInput}s. */
    void startBackwardInput() {
        Arrays.fill(dFirstLayer, 0f);
    }

    /** Adds the first-layer gradient the groups accumulated into {@code g}, after the last {@link #backwardInput}. */
    void finishBackwardInput(Gradients g) {
        float[] dW0 = g.dense[model.mlpW[0]];
        for (int k = 0; k < in0; k++) {
            for (int i = 0; i < h0; i++) {
                dW0[i * in0 + k] += dFirstLayer[k * h0 + i];
            }
        }
        if (hiddenBiasTrained) {
            K.axpy(1f, dFirstLayer, in0 * h0, g.dense[model.mlpB[0]], 0, h0);
        }
    }

    /**
     * Backward of the input part for one group, from the first layer's dense-output gradient in
     * {@code a.grad[0]}: accumulates the attention and first-layer gradients and the embedding gradients
     * of the candidates and behaviours.
     */
    void backwardInput(int[] history, int ho, int[] cand, int co, int count, BatchActivations a, int pairBase,
                       Gradients g) {
        if (count == 0) {
            return; // a history without candidates has no loss, and its rows must not count as touched
        }
        loadHistory(history, ho);
        int units = v * att;
        if (attention) {
            for (int r = 0; r < units; r++) {
                for (int k = 0; k < d; k++) {
                    slotWeightsT[k * units + r] = slotWeights[r * (d + 1) + k];
                }
            }
            Arrays.fill(dSlotWeights, 0, units * xWidth, 0f);
        }
        Arrays.fill(dPooled, 0, v * h0, 0f);
        Arrays.fill(dzSum, 0f);
        float[] dz = a.grad[0];
        for (int start = 0; start < count; start += CHUNK) {
            int n = Math.min(CHUNK, count - start);
            int columns = blocks(n);
            int zo = (pairBase + start) * h0;
            gather(cand, co + start, n, columns, true);
            for (int i = 0; i < h0; i++) {
                for (int c = 0; c < n; c++) {
                    dzColumns[i * CHUNK + c] = dz[zo + c * h0 + i];
                }
                Arrays.fill(dzColumns, i * CHUNK + n, i * CHUNK + columns, 0f);
            }
            // mlp0's candidate block and bias: rows histWidth .. in0 of dFirstLayer, the last from the row of ones.
            K.gemm(xColumns, 0, CHUNK, d + 1, n, dz, zo, h0, dFirstLayer, histWidth * h0, h0, h0, true);
            K.gemm(transposed.candidateByRow, 0, h0, d, h0, dzColumns, 0, CHUNK, dxColumns, 0, CHUNK, columns, false);
            if (attention && v > 0) {
                unitBackward(n, columns, g);
                K.gemm(weights, 0, CHUNK, v, n, dz, zo, h0, dPooled, 0, h0, h0, true);
                K.gemm(unit, 0, CHUNK, units, n, xRows, 0, xWidth, dSlotWeights, 0, xWidth, xWidth, true);
                K.gemm(slotWeightsT, 0, units, d, units, unit, 0, CHUNK, dxColumns, 0, CHUNK, columns, true);
            } else if (!attention) {
                for (int c = 0; c < n; c++) {
                    K.axpy(1f, dz, zo + c * h0, dzSum, 0, h0);
                }
            }
            for (int c = 0; c < n; c++) {
                for (int k = 0; k < d; k++) {
                    dCand[k] = dxColumns[k * CHUNK + c];
                }
                g.embeddings.add(cand[co + start + c], 1f, dCand, 0);
            }
        }
        if (!attention) {
            // Every behaviour weighs 1, so each row of dP is the group's summed dZ.
            for (int j = 0; j < v; j++) {
                System.arraycopy(dzSum, 0, dPooled, j * h0, h0);
            }
        }
        Arrays.fill(dBehaviours, 0, v * d, 0f);
        pooledBackward();
        if (attention) {
            slotWeightsBackward(g);
        }
        for (int j = 0; j < v; j++) {
            g.embeddings.add(validRows[j], 1f, dBehaviours, j * d);
        }
    }

    /**
     * For the chunk in {@link #xColumns}, from {@link #dzColumns}: {@code da = P dZ^T}; then per behaviour, the
     * activation unit recomputed, {@code H_j = G_j X}, and taken back through its PReLU in the same kernel, leaving
     * {@code dH_j} in {@link #unit}; the attention weights {@code a} again; and the gradients of {@code w2},
     * {@code b2} and the unit's PReLU slopes.
     */
    private void unitBackward(int n, int columns, Gradients g) {
        float b2 = p[model.attB2][0];
        float db2 = 0f;
        K.gemm(pooled, 0, h0, v, h0, dzColumns, 0, CHUNK, dWeights, 0, CHUNK, columns, false);
        for (int j = 0; j < v; j++) {
            int wj = j * CHUNK;
            Arrays.fill(weights, wj, wj + columns, b2);
            for (int c = 0; c < n; c++) {
                db2 += dWeights[wj + c];
            }
            K.gemmPreluDotBackward(slotWeights, j * att * (d + 1), d + 1, att, d + 1, xColumns, 0, CHUNK,
                    p[model.attAlpha], p[model.attW2], dWeights, wj, weights, wj, unit, j * att * CHUNK, CHUNK,
                    g.dense[model.attW2], g.dense[model.attAlpha], columns);
        }
        g.dense[model.attB2][0] += db2;
    }

    /**
     * From {@code dP} (summed over the group's chunks): mlp0's history block, {@code dW0_w^T += S_w^T dP_w} for
     * each window's run of scaled behaviours {@code S_w}, and the behaviours' share, {@code db_j += dP_j W0_w / |w|}.
     */
    private void pooledBackward() {
        float[] w0 = p[model.mlpW[0]];
        for (int first = 0; first < v; ) {
            int window = windowOfSlot[validSlots[first]], end = first + 1;
            while (end < v && windowOfSlot[validSlots[end]] == window) {
                end++;
            }
            int run = end - first;
            K.gemmTransposedA(scaled, first * d, d, d, run, dPooled, first * h0, h0, dFirstLayer, window * d * h0, h0,
                    h0, true);
            K.gemm(dPooled, first * h0, h0, run, h0, w0, window * d, in0, dBehaviours, first * d, d, d, true);
            float inverseCount = 1f / windowCounts[window];
            for (int i = first * d; i < end * d; i++) {
                dBehaviours[i] *= inverseCount;
            }
            first = end;
        }
    }

    /**
     * From {@code dG} (summed over the group's chunks) to {@code att.w1}, {@code att.b1} and the behaviours,
     * through {@code G_j[u] = [Wbn[u] * b_j + Wn[u] | Wb[u] . b_j + b1[u]]}. With {@code g_j[u]} the gradient of
     * {@code G_j}'s last column, the sums over the behaviours and over the units are GEMMs:
     * {@code dWb += g^T B}, {@code dB += g Wb}, {@code (dWn | db1) += 1^T dG}; the products with {@code Wbn}
     * and {@code b_j} are elementwise, a row at a time.
     */
    private void slotWeightsBackward(Gradients g) {
        float[] w1 = p[model.attW1];
        float[] dW1 = g.dense[model.attW1];
        int ld = 3 * d;
        int row = att * xWidth;
        for (int j = 0; j < v; j++) {
            for (int u = 0; u < att; u++) {
                int r = j * row + u * xWidth;
                lastColumn[j * att + u] = dSlotWeights[r + d];
                K.multiplyAdd(dSlotWeights, r, behaviours, j * d, dW1, u * ld + d, dW1, u * ld + d, d);
                K.multiplyAdd(dSlotWeights, r, w1, u * ld + d, dBehaviours, j * d, dBehaviours, j * d, d);
            }
        }
        K.gemmTransposedA(lastColumn, 0, att, att, v, behaviours, 0, d, dW1, 0, ld, d, true);
        K.gemm(lastColumn, 0, att, v, att, w1, 0, ld, dBehaviours, 0, d, d, true);
        K.gemmTransposedA(ones, 0, 1, 1, v, dSlotWeights, 0, row, summedSlotWeights, 0, row, row, false);
        float[] dB1 = g.dense[model.attB1];
        for (int u = 0; u < att; u++) {
            K.axpy(1f, summedSlotWeights, u * xWidth, dW1, u * ld + 2 * d, d);
            dB1[u] += summedSlotWeights[u * xWidth + d];
        }
    }

    /** Adds pairs {@code [p0, p1)} of hidden layer {@code l}'s dense output into {@link #sum} and {@link #sumSq}. */
    void accumulateStats(int l, int p0, int p1, BatchActivations a) {
        int h = widths[l];
        double[] s = sum[l];
        double[] s2 = sumSq[l];
        Arrays.fill(s, 0.0);
        Arrays.fill(s2, 0.0);
        float[] z = a.pre[l];
        for (int q = p0; q < p1; q++) {
            for (int i = 0, o = q * h; i < h; i++, o++) {
                s[i] += z[o];
                s2[i] += (double) z[o] * z[o];
            }
        }
    }

    /**
     * Hidden layer {@code l}, from its dense output to its activation, for pairs {@code [p0, p1)}: BatchNorm
     * with the given statistics (ignored without BN), then PReLU.
     */
    void activate(int l, int p0, int p1, BatchActivations a, float[] mean, float[] invStdev) {
        int h = widths[l];
        float[] pre = a.pre[l];
        float[] alpha = p[model.mlpAlpha[l]];
        boolean bn = model.options().batchNorm();
        for (int q = p0; q < p1; q++) {
            int o = q * h;
            if (bn) {
                float[] gamma = p[model.bnGamma[l]];
                float[] beta = p[model.bnBeta[l]];
                float[] xhat = a.xhat[l];
                for (int i = 0; i < h; i++) {
                    float x = (pre[o + i] - mean[i]) * invStdev[i];
                    xhat[o + i] = x;
                    pre[o + i] = gamma[i] * x + beta[i];
                }
            }
            K.prelu(pre, o, alpha, 0, 1, a.act[l], o, h);
        }
    }

    /** Dense layer {@code l} (1 .. hidden count; the last is the output layer) for pairs {@code [p0, p1)}. */
    void dense(int l, int p0, int p1, BatchActivations a) {
        boolean output = l == widths.length;
        float[] b = p[output ? model.outB : model.mlpB[l]];
        float[] out = output ? a.logits : a.pre[l];
        int rows = b.length;
        int cols = widths[l - 1];
        for (int q = p0; q < p1; q++) {
            System.arraycopy(b, 0, out, q * rows, rows);
        }
        K.gemm(a.act[l - 1], p0 * cols, cols, p1 - p0, cols, transposed.dense[l], 0, rows, out, p0 * rows, rows, rows,
                true);
    }

    /**
     * The loss's share for pairs {@code [p0, p1)}: writes the logit gradients (scaled by {@code 1 / norm}, the pair
     * count for {@link Loss#BINARY} and the positive count for {@link Loss#SAMPLED_SOFTMAX}) and returns the summed loss.
     */
    double loss(Loss kind, int p0, int p1, int[] labels, int norm, BatchActivations a) {
        return kind == Loss.BINARY ? binaryLoss(p0, p1, labels, norm, a) : sampledSoftmaxLoss(p0, p1, labels, norm, a);
    }

    /**
     * With {@code s = logit1 - logit0} the loss is {@code log(1 + e^-s)} for label 1 and {@code log(1 + e^s)} for
     * label 0 (a 2-way softmax cross-entropy).
     */
    private double binaryLoss(int p0, int p1, int[] labels, int pairs, BatchActivations a) {
        double total = 0;
        float inv = 1f / pairs;
        for (int q = p0; q < p1; q++) {
            double s = (double) a.logits[2 * q + 1] - a.logits[2 * q];
            int y = labels[q];
            total += softplus(y == 1 ? -s : s);
            // StrictMath: Math.exp may round differently once the JIT compiles it, and training must not depend on when.
            float d1 = (float) ((1.0 / (1.0 + StrictMath.exp(-s)) - y) * inv);
            a.dLogits[2 * q] = -d1;
            a.dLogits[2 * q + 1] = d1;
        }
        return total;
    }

    /**
     * Each positive {@code q} and the negatives after it, up to the next positive, form one list: the loss is
     * {@code logsumexp(s) - s_q} and the gradient of {@code s_j} is {@code softmax_j - [j = q]}. The range starts at a
     * group boundary and every non-empty group starts with a positive (the trainer checks), so lists never cross
     * groups or threads.
     */
    private double sampledSoftmaxLoss(int p0, int p1, int[] labels, int positives, BatchActivations a) {
        double total = 0;
        double inv = 1.0 / positives;
        for (int q = p0; q < p1; ) {
            int end = q + 1;
            while (end < p1 && labels[end] == 0) {
                end++;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = q; j < end; j++) {
                max = Math.max(max, (double) a.logits[2 * j + 1] - a.logits[2 * j]);
            }
            double sum = 0;
            for (int j = q; j < end; j++) {
                sum += StrictMath.exp((double) a.logits[2 * j + 1] - a.logits[2 * j] - max);
            }
            total += max + StrictMath.log(sum) - ((double) a.logits[2 * q + 1] - a.logits[2 * q]);
            for (int j = q; j < end; j++) {
                double softmax = StrictMath.exp((double) a.logits[2 * j + 1] - a.logits[2 * j] - max) / sum;
                float d = (float) ((softmax - (j == q ? 1 : 0)) * inv);
                a.dLogits[2 * j] = -d;
                a.dLogits[2 * j + 1] = d;
            }
            q = end;
        }
        return total;
    }

    private static double softplus(double x) {
        return Math.max(x, 0.0) + StrictMath.log1p(StrictMath.exp(-Math.abs(x)));
    }
    /**
     * Back through dense layer {@code l} (1 .. hidden count) for pairs {@code [p0, p1)}: weight and bias
     * gradients, and the gradient of its input, hidden layer {@code l - 1}'s activation.
     */
    void denseBackward(int l, int p0, int p1, BatchActivations a, Gradients g) {
        boolean output = l == widths.length;
        int wi = output ? model.outW : model.mlpW[l];
        int bi = output ? model.outB : model.mlpB[l];
        float[] dz = output ? a.dLogits : a.grad[l];
        int rows = p[bi].length;
        int cols = widths[l - 1];
        K.gemmTransposedA(dz, p0 * rows, rows, rows, p1 - p0, a.act[l - 1], p0 * cols, cols, g.dense[wi], 0, cols,
                cols, true);
        if (output || hiddenBiasTrained) {
            // The bias gradient is the column sums of dz: ones^T dz.
            K.gemmTransposedA(a.ones, p0, 1, 1, p1 - p0, dz, p0 * rows, rows, g.dense[bi], 0, rows, rows, true);
        }
        K.gemm(dz, p0 * rows, rows, p1 - p0, rows, p[wi], 0, cols, a.grad[l - 1], p0 * cols, cols, cols, false);
    }

    /**
     * Back through hidden layer {@code l}'s PReLU for pairs {@code [p0, p1)}, in place in {@code a.grad[l]};
     * with BatchNorm also adds this thread's share of the beta and gamma gradients, which the BN backward
     * needs summed over the batch.
     */
    void activateBackward(int l, int p0, int p1, BatchActivations a, Gradients g) {
        int h = widths[l];
        float[] alpha = p[model.mlpAlpha[l]];
        float[] dAlpha = g.dense[model.mlpAlpha[l]];
        boolean bn = model.options().batchNorm();
        for (int q = p0; q < p1; q++) {
            int o = q * h;
            K.preluBackward(a.pre[l], o, alpha, 0, 1, a.grad[l], o, dAlpha, h);
            if (bn) {
                float[] dGamma = g.dense[model.bnGamma[l]];
                float[] dBeta = g.dense[model.bnBeta[l]];
                float[] xhat = a.xhat[l];
                float[] grad = a.grad[l];
                for (int i = 0; i < h; i++) {
                    dBeta[i] += grad[o + i];
                    dGamma[i] += grad[o + i] * xhat[o + i];
                }
            }
        }
    }

    /**
     * Back through hidden layer {@code l}'s BatchNorm (training mode) for pairs {@code [p0, p1)}, in place:
     * {@code dz = gamma invStd (dy - sum(dy) / P - xhat sum(dy xhat) / P)} with the batch-wide sums
     * {@code dBeta = sum(dy)} and {@code dGamma = sum(dy xhat)}.
     */
    void normBackward(int l, int p0, int p1, BatchActivations a, float[] invStdev, float[] dGamma, float[] dBeta,
                      int pairs) {
        int h = widths[l];
        float[] gamma = p[model.bnGamma[l]];
        float[] xhat = a.xhat[l];
        float[] grad = a.grad[l];
        float inv = 1f / pairs;
        for (int q = p0; q < p1; q++) {
            for (int i = 0, o = q * h; i < h; i++, o++) {
                grad[o] = gamma[i] * invStdev[i] * (grad[o] - dBeta[i] * inv - xhat[o] * dGamma[i] * inv);
            }
        }
    }
}
