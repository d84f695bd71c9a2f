package dev.arbor.nn;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.scorer.Kernels;

import java.util.Arrays;

/**
 * One thread's share of the forward and backward passes, with all the scratch it needs so that no sample
 * allocates. The input part (attention, window pooling, first dense layer) works a group at a time: one
 * history with several candidates, computing what depends on the history alone once per group. The MLP
 * part works a layer at a time over a range of pairs, so BatchNorm statistics can be reduced over the
 * whole batch between layers.
 *
 * <p>Forward of the input part, for candidate {@code n}: the {@link Attention} unit's weight {@code a_k}
 * for each non-empty slot k, pooled window {@code w = scale_w sum_{k in w} a_k b_k} with
 * {@code scale_w = 1 / (non-empty slots of w)}, and {@code z0 = W0[:, hist] pooled + W0[:, n] n + b0}. For
 * the MLP kind {@code a = 1}, so the pooled vector and {@code W0[:, hist] pooled + b0} are per group. The
 * backward pass recomputes the attention forward instead of keeping the unit's activations for the whole
 * batch ({@code pairs x slots x A} floats).
 */
final class ForwardBackward {

    private static final Kernels K = Kernels.shortRows();

    private final TrainableModel model;
    private final float[][] p;
    private final boolean attention;
    private final int d;
    private final int histWidth;
    private final int in0;
    private final int[] widths;
    private final int[] windowOfSlot;
    private final int windows;
    /**
     * False with BatchNorm: the mean subtraction cancels a hidden layer's bias, so its gradient is zero and
     * is left exactly zero rather than float noise, which Adam would scale up to steps of the full rate.
     */
    private final boolean hiddenBiasTrained;

    // The current history: its non-empty slots, compacted.
    private final int[] slotOffset;
    private final int[] slotWindow;
    private int slots;
    private final float[] windowScale;

    /** Null for the MLP kind. */
    private final Attention attentionUnit;
    /** Per compacted slot k: its pooling weight {@code a_k} and that weight's gradient. */
    private final float[] weight;
    private final float[] dWeight;

    private final float[] pooled;
    private final float[] dPooled;
    private final float[] base;
    private final float[] dzSum;
    private final float[] dSlot;
    private final float[] dCand;

    /** Per hidden layer: this thread's partial sums of the dense output and its square (BatchNorm). */
    final double[][] sum;
    final double[][] sumSq;
    private final float[][] invStd;

    ForwardBackward(TrainableModel model) {
        this.model = model;
        ModelArchitecture a = model.architecture();
        p = new float[model.parameterCount()][];
        for (int i = 0; i < p.length; i++) {
            p[i] = model.parameter(i);
        }
        attention = a.hasAttention();
        d = a.embeddingDim();
        windows = a.windowCount();
        hiddenBiasTrained = !model.options().batchNorm();
        histWidth = windows * d;
        in0 = a.mlpInput();
        widths = a.mlpHidden();
        windowOfSlot = a.windowOfSlot();
        int h = a.historyLength();
        slotOffset = new int[h];
        slotWindow = new int[h];
        windowScale = new float[windows];
        attentionUnit = attention ? new Attention(model) : null;
        weight = new float[h];
        dWeight = new float[h];
        pooled = new float[histWidth];
        dPooled = new float[histWidth];
        base = new float[widths[0]];
        dzSum = new float[widths[0]];
        dSlot = new float[h * d];
        dCand = new float[d];
        sum = new double[widths.length][];
        sumSq = new double[widths.length][];
        invStd = new float[widths.length][];
        for (int l = 0; l < widths.length; l++) {
            sum[l] = new double[widths[l]];
            sumSq[l] = new double[widths[l]];
            invStd[l] = new float[widths[l]];
        }
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

    /** Compacts the non-empty slots of {@code history[ho ..]} and, for the MLP kind, pools them. */
    private void loadHistory(int[] history, int ho) {
        Arrays.fill(windowScale, 0f);
        slots = 0;
        for (int s = 0; s < windowOfSlot.length; s++) {
            int row = history[ho + s];
            if (row == -1) {
                continue;
            }
            slotOffset[slots] = rowOffset(row);
            slotWindow[slots] = windowOfSlot[s];
            windowScale[windowOfSlot[s]]++;
            slots++;
        }
        for (int w = 0; w < windows; w++) {
            if (windowScale[w] > 0f) {
                windowScale[w] = 1f / windowScale[w];
            }
        }
        if (attention) {
            attentionUnit.load(slotOffset, slots);
        } else {
            Arrays.fill(weight, 0, slots, 1f);
            pool();
        }
    }

    /** {@code pooled = per-window mean of weight_k * b_k}. */
    private void pool() {
        Arrays.fill(pooled, 0f);
        float[] emb = model.embeddings();
        for (int k = 0; k < slots; k++) {
            int w = slotWindow[k];
            K.axpy(weight[k] * windowScale[w], emb, slotOffset[k], pooled, w * d, d);
        }
    }

    /** Attention weights of every slot for the candidate at {@code nOff}, then pooling. */
    private void attend(int nOff) {
        attentionUnit.forward(nOff, weight);
        pool();
    }

    /**
     * Forward of the input part for one group: writes the first hidden layer's dense output for pairs
     * {@code pairBase .. pairBase + count}.
     */
    void forwardInput(int[] history, int ho, int[] cand, int co, int count, BatchActivations a, int pairBase) {
        loadHistory(history, ho);
        float[] w0 = p[model.mlpW[0]];
        float[] emb = model.embeddings();
        int h0 = widths[0];
        if (!attention) {
            firstLayerHistoryPart();
        }
        float[] z = a.pre[0];
        for (int c = 0; c < count; c++) {
            int nOff = rowOffset(cand[co + c]);
            if (attention) {
                attend(nOff);
                firstLayerHistoryPart();
            }
            int zo = (pairBase + c) * h0;
            System.arraycopy(base, 0, z, zo, h0);
            K.gemv(w0, in0, histWidth, h0, d, emb, nOff, z, zo);
        }
    }

    /** {@code base = W0[:, hist] pooled + b0}. */
    private void firstLayerHistoryPart() {
        System.arraycopy(p[model.mlpB[0]], 0, base, 0, base.length);
        K.gemv(p[model.mlpW[0]], in0, 0, base.length, histWidth, pooled, 0, base, 0);
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
        float[] emb = model.embeddings();
        float[] w0 = p[model.mlpW[0]];
        float[] dW0 = g.dense[model.mlpW[0]];
        float[] dB0 = g.dense[model.mlpB[0]];
        float[] dz = a.grad[0];
        int h0 = widths[0];
        Arrays.fill(dSlot, 0, slots * d, 0f);
        if (!attention) {
            Arrays.fill(dzSum, 0f);
        }
        for (int c = 0; c < count; c++) {
            int row = cand[co + c];
            int nOff = rowOffset(row);
            int zo = (pairBase + c) * h0;
            Arrays.fill(dCand, 0f);
            K.outer(dW0, in0, histWidth, h0, d, dz, zo, emb, nOff);
            K.gemvTransposed(w0, in0, histWidth, h0, d, dz, zo, dCand, 0);
            if (hiddenBiasTrained) {
                K.axpy(1f, dz, zo, dB0, 0, h0);
            }
            if (attention) {
                attend(nOff);
                historyPartBackward(dz, zo, g);
                poolBackward();
                for (int k = 0; k < slots; k++) {
                    int w = slotWindow[k];
                    dWeight[k] = windowScale[w] * K.dot(dPooled, w * d, emb, slotOffset[k], d);
                }
                attentionUnit.backward(nOff, dWeight, g, dCand);
            } else {
                // The MLP kind's pooled vector is the group's, so its gradient only needs the summed dz.
                K.axpy(1f, dz, zo, dzSum, 0, h0);
            }
            g.embeddings.add(row, 1f, dCand, 0);
        }
        if (attention) {
            attentionUnit.finish(g, dSlot);
        } else {
            historyPartBackward(dzSum, 0, g);
            poolBackward();
        }
        for (int k = 0; k < slots; k++) {
            g.embeddings.add(slotOffset[k] / d, 1f, dSlot, k * d);
        }
    }

    /** Gradient of {@code W0[:, hist] pooled}: weight gradient, and {@code dPooled}. */
    private void historyPartBackward(float[] dz, int zo, Gradients g) {
        K.outer(g.dense[model.mlpW[0]], in0, 0, widths[0], histWidth, dz, zo, pooled, 0);
        Arrays.fill(dPooled, 0f);
        K.gemvTransposed(p[model.mlpW[0]], in0, 0, widths[0], histWidth, dz, zo, dPooled, 0);
    }

    /** Behaviour gradients through the pooling, for fixed weights: {@code dSlot_k += weight_k scale_w dPooled_w}. */
    private void poolBackward() {
        for (int k = 0; k < slots; k++) {
            int w = slotWindow[k];
            K.axpy(weight[k] * windowScale[w], dPooled, w * d, dSlot, k * d, d);
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
        float[] w = p[output ? model.outW : model.mlpW[l]];
        float[] b = p[output ? model.outB : model.mlpB[l]];
        float[] out = output ? a.logits : a.pre[l];
        int rows = b.length;
        int cols = widths[l - 1];
        float[] in = a.act[l - 1];
        for (int q = p0; q < p1; q++) {
            System.arraycopy(b, 0, out, q * rows, rows);
            K.gemv(w, cols, 0, rows, cols, in, q * cols, out, q * rows);
        }
    }

    /**
     * Mean softmax cross-entropy's share for pairs {@code [p0, p1)}: writes the logit gradients (scaled by
     * {@code 1 / pairs}) and returns the summed loss. With {@code s = logit1 - logit0} the loss is
     * {@code log(1 + e^-s)} for label 1 and {@code log(1 + e^s)} for label 0.
     */
    double loss(int p0, int p1, int[] labels, int pairs, BatchActivations a) {
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
        float[] in = a.act[l - 1];
        float[] dIn = a.grad[l - 1];
        for (int q = p0; q < p1; q++) {
            K.outer(g.dense[wi], cols, 0, rows, cols, dz, q * rows, in, q * cols);
            if (output || hiddenBiasTrained) {
                K.axpy(1f, dz, q * rows, g.dense[bi], 0, rows);
            }
            Arrays.fill(dIn, q * cols, (q + 1) * cols, 0f);
            K.gemvTransposed(p[wi], cols, 0, rows, cols, dz, q * rows, dIn, q * cols);
        }
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
