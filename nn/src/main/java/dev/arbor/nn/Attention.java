package dev.arbor.nn;

import dev.arbor.scorer.Kernels;

import java.util.Arrays;

/**
 * The attention-DNN's activation unit over one history, one thread's scratch included. For behaviour
 * {@code b_k} and candidate {@code n}: {@code h_k = W1[:, b] b_k + b1 + W1[:, n] n + W1[:, bn] (b_k*n)},
 * {@code a_k = w2 . PReLU(h_k) + b2}.
 *
 * <p>Works slot-major: the behaviours are held transposed ({@code bt}, dim x slots) and every per-unit
 * quantity is a row over the slots, so the inner loops are long axpys over the slots rather than short
 * dot products over the embedding dim. The bilinear term is folded per candidate:
 * {@code W1[:, bn] (b*n) = (W1[:, bn] diag(n)) b}. What depends on the history alone,
 * {@code W1[:, b] b_k + b1}, is computed once per group in {@link #load}; its gradient is accumulated over
 * the group's candidates and applied once in {@link #finish}.
 */
final class Attention {

    private static final Kernels K = Kernels.shortRows();

    private final TrainableModel model;
    private final int d;
    private final int att;
    private final int ld;
    private int slots;

    /** Behaviours transposed: {@code bt[i * slots + k] = b_k[i]}. */
    private final float[] bt;
    /** Per unit j, over slots: {@code W1[j, b] b_k + b1[j]}. */
    private final float[] historyPre;
    /** Per unit j, over slots: the unit's input {@code h} and output {@code PReLU(h)} for the current candidate. */
    private final float[] pre;
    private final float[] out;
    /** {@code W1[:, bn] diag(n)} for the current candidate, A x d. */
    private final float[] scaledBn;
    private final float[] dPre;
    private final float[] dHistoryPre;
    private final float[] dBt;

    Attention(TrainableModel model) {
        this.model = model;
        d = model.architecture().embeddingDim();
        att = model.architecture().attentionHidden();
        ld = 3 * d;
        int h = model.architecture().historyLength();
        bt = new float[d * h];
        historyPre = new float[att * h];
        pre = new float[att * h];
        out = new float[att * h];
        scaledBn = new float[att * d];
        dPre = new float[att * h];
        dHistoryPre = new float[att * h];
        dBt = new float[d * h];
    }

    /** Takes the group's behaviours (embedding offsets of its non-empty slots) and precomputes their part. */
    void load(int[] slotOffset, int count) {
        slots = count;
        float[] emb = model.embeddings();
        float[] w1 = model.parameter(model.attW1);
        float[] b1 = model.parameter(model.attB1);
        for (int k = 0; k < count; k++) {
            for (int i = 0; i < d; i++) {
                bt[i * count + k] = emb[slotOffset[k] + i];
            }
        }
        for (int j = 0; j < att; j++) {
            int row = j * count;
            Arrays.fill(historyPre, row, row + count, b1[j]);
            for (int i = 0; i < d; i++) {
                K.axpy(w1[j * ld + i], bt, i * count, historyPre, row, count);
            }
        }
        Arrays.fill(dHistoryPre, 0, att * count, 0f);
        Arrays.fill(dBt, 0, d * count, 0f);
    }

    /** Writes the weight {@code a_k} of every slot for the candidate at embedding offset {@code nOff}. */
    void forward(int nOff, float[] weight) {
        float[] emb = model.embeddings();
        float[] w1 = model.parameter(model.attW1);
        float[] alpha = model.parameter(model.attAlpha);
        float[] w2 = model.parameter(model.attW2);
        Arrays.fill(weight, 0, slots, model.parameter(model.attB2)[0]);
        for (int j = 0; j < att; j++) {
            int row = j * slots;
            float candidatePart = K.dot(w1, j * ld + 2 * d, emb, nOff, d);
            for (int k = 0; k < slots; k++) {
                pre[row + k] = historyPre[row + k] + candidatePart;
            }
            for (int i = 0; i < d; i++) {
                float m = w1[j * ld + d + i] * emb[nOff + i];
                scaledBn[j * d + i] = m;
                K.axpy(m, bt, i * slots, pre, row, slots);
            }
            K.prelu(pre, row, alpha, j, 0, out, row, slots);
            K.axpy(w2[j], out, row, weight, 0, slots);
        }
    }

    /**
     * Back through the unit for the candidate of the last {@link #forward}, from the weights' gradients
     * {@code dWeight}: adds the parameter gradients (but that of {@code W1[:, b]}, see {@link #finish}),
     * the candidate's embedding gradient into {@code dCand}, and keeps the behaviours' share.
     */
    void backward(int nOff, float[] dWeight, Gradients g, float[] dCand) {
        float[] emb = model.embeddings();
        float[] w1 = model.parameter(model.attW1);
        float[] alpha = model.parameter(model.attAlpha);
        float[] w2 = model.parameter(model.attW2);
        float[] dW1 = g.dense[model.attW1];
        float[] dB1 = g.dense[model.attB1];
        float[] dAlpha = g.dense[model.attAlpha];
        float[] dW2 = g.dense[model.attW2];
        float dB2 = 0f;
        for (int k = 0; k < slots; k++) {
            dB2 += dWeight[k];
        }
        g.dense[model.attB2][0] += dB2;
        for (int j = 0; j < att; j++) {
            int row = j * slots;
            dW2[j] += K.dot(dWeight, 0, out, row, slots);
            float wj = w2[j];
            float dCandidatePart = 0f;
            for (int k = 0; k < slots; k++) {
                dPre[row + k] = wj * dWeight[k];
            }
            K.preluBackward(pre, row, alpha, j, 0, dPre, row, dAlpha, slots);
            for (int k = 0; k < slots; k++) {
                dCandidatePart += dPre[row + k];
            }
            K.axpy(1f, dPre, row, dHistoryPre, row, slots);
            dB1[j] += dCandidatePart;
            K.axpy(dCandidatePart, emb, nOff, dW1, j * ld + 2 * d, d);
            K.axpy(dCandidatePart, w1, j * ld + 2 * d, dCand, 0, d);
            for (int i = 0; i < d; i++) {
                // d loss / d (W1[j, bn] n_i) summed over slots, then split between W1[j, bn] and n.
                float v = K.dot(dPre, row, bt, i * slots, slots);
                dW1[j * ld + d + i] += v * emb[nOff + i];
                dCand[i] += v * w1[j * ld + d + i];
                K.axpy(scaledBn[j * d + i], dPre, row, dBt, i * slots, slots);
            }
        }
    }

    /**
     * After the group's last {@link #backward}: the gradient of {@code W1[:, b]} and the behaviours'
     * embedding gradients, added into {@code dSlot} (slot k at {@code k * d}).
     */
    void finish(Gradients g, float[] dSlot) {
        float[] w1 = model.parameter(model.attW1);
        float[] dW1 = g.dense[model.attW1];
        for (int j = 0; j < att; j++) {
            int row = j * slots;
            for (int i = 0; i < d; i++) {
                dW1[j * ld + i] += K.dot(dHistoryPre, row, bt, i * slots, slots);
                K.axpy(w1[j * ld + i], dHistoryPre, row, dBt, i * slots, slots);
            }
        }
        for (int k = 0; k < slots; k++) {
            for (int i = 0; i < d; i++) {
                dSlot[k * d + i] += dBt[i * slots + k];
            }
        }
    }
}
