package dev.arbor.latticetrain;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.scorer.Kernels;
import dev.arbor.scorer.ScalarKernels;
import java.util.Arrays;

/**
 * One worker's forward and backward pass over one training sample, on the scorer's row kernels. The sample is a
 * history, its target item {@code y}, the target's paths {@code π_1(y) .. π_J(y)} and the reranker's sampled negatives.
 *
 * <p>The structure loss is the paper's {@code −log Σ_j p(π_j(y) | x)}: the J paths summed inside the log, with
 * {@code log p(c | x) = Σ_d log softmax_d(c_d | x, c_0 .. c_{d-1})}. Its gradient gives path j's layers the weight
 * {@code r_j = p(π_j) / Σ_i p(π_i)}, so the model may put its mass on any of the target's paths.
 *
 * <p>The reranker's loss is a softmax over the target and the negatives, each logit corrected by {@code −log Q(i)}, the
 * log of the probability that the proposal draws item i (logQ correction: without it, the sampled softmax learns
 * {@code log p(i | x) + log Q(i)} and favours popular items). Both losses share the user vector, and so the item
 * embeddings it is pooled from.
 *
 * <p>The user {@code u} is the history's item embeddings mean-pooled per window, as {@code LatticeModelScorer} reads
 * it; layer d's first hidden layer splits into a user part, computed once per layer, and a part over the codes above.
 * Not thread-safe: one instance per worker.
 */
final class LatticeForwardBackward {
    /**
     * The scalar kernels: one sample's rows are 24 to 288 floats, called from methods too large for the JIT to inline
     * the Vector API kernels' species into, so the vector ones fell back to their slow path here (2.8 ms a sample
     * against 0.5 ms, K = 100, D = 3, J = 3, measured on this project's 2-core machine under load).
     */
    private static final Kernels K = new ScalarKernels();

    private final TrainableLattice model;
    private final int dim, userWidth, k, depth, maxPaths, hiddenLayers, rerankLayers, widest;
    private final int[] hidden, rerankHidden, windowOfSlot, hiddenOffset, rerankOffset;
    private final int hiddenSum, rerankSum;
    private final float[] user, du;
    private final int[] filled;
    /** Per layer: the first hidden layer's user part in the forward pass, its gradient summed over paths backwards. */
    private final float[][] userPart, userGradient;
    /** Per (path, layer) slot {@code j·D + d}: each hidden layer's input to its PReLU and its output; the softmax. */
    private final float[] pre, act, probabilities;
    private final double[] pathLogProbability;
    private final float[] codeInput, codeGradient, gradA, gradB, logits;
    /** The reranker's hidden layers, user vector and candidates' logits. */
    private final float[] rerankPre, rerankAct, rerankVector, rerankGradient, rerankGradA, rerankGradB;
    private float[] candidateLogits = new float[0];
    private double pathLoss, rerankLoss;

    LatticeForwardBackward(TrainableLattice model, int maxPaths) {
        this.model = model;
        LatticeArchitecture arch = model.architecture();
        dim = arch.embeddingDim();
        userWidth = arch.userWidth();
        k = arch.k();
        depth = arch.depth();
        this.maxPaths = maxPaths;
        hidden = arch.layerHidden();
        rerankHidden = arch.rerankHidden();
        hiddenLayers = hidden.length;
        rerankLayers = rerankHidden.length;
        windowOfSlot = BehaviourWindows.windowOfSlot(arch.windowSizes());
        hiddenOffset = offsets(hidden);
        rerankOffset = offsets(rerankHidden);
        hiddenSum = hiddenOffset[hiddenLayers];
        rerankSum = rerankOffset[rerankLayers];
        int wide = Math.max(k, dim);
        for (int h : hidden) {
            wide = Math.max(wide, h);
        }
        for (int h : rerankHidden) {
            wide = Math.max(wide, h);
        }
        widest = Math.max(wide, userWidth);
        user = new float[userWidth];
        du = new float[userWidth];
        filled = new int[arch.windowCount()];
        userPart = new float[depth][hidden[0]];
        userGradient = new float[depth][hidden[0]];
        int slots = maxPaths * depth;
        pre = new float[slots * hiddenSum];
        act = new float[slots * hiddenSum];
        probabilities = new float[slots * k];
        pathLogProbability = new double[maxPaths];
        codeInput = new float[Math.max(1, (depth - 1) * dim)];
        codeGradient = new float[codeInput.length];
        gradA = new float[widest];
        gradB = new float[widest];
        logits = new float[k];
        rerankPre = new float[rerankSum];
        rerankAct = new float[rerankSum];
        rerankVector = new float[dim];
        rerankGradient = new float[dim];
        rerankGradA = new float[widest];
        rerankGradB = new float[widest];
    }

    private static int[] offsets(int[] widths) {
        int[] o = new int[widths.length + 1];
        for (int i = 0; i < widths.length; i++) {
            o[i + 1] = o[i] + widths[i];
        }
        return o;
    }

    /** The structure loss of the last {@link #run}: {@code −log Σ_j p(π_j(y) | x)}. */
    double pathLoss() {
        return pathLoss;
    }

    /** The reranker's loss of the last {@link #run}: the corrected sampled softmax's cross-entropy. */
    double rerankLoss() {
        return rerankLoss;
    }

    /**
     * Runs one sample forward and backward, adding {@code scale} times its gradients into {@code g}.
     *
     * @param history    {@link BehaviourWindows#SLOTS} item ordinals from {@code from}, oldest first, padding -1
     * @param paths      the target's {@code pathCount} paths, {@code D} codes each, from 0
     * @param target     the target item y
     * @param negatives  the reranker's negatives {@code [0, negativeCount)}; any equal to y are skipped
     * @param logQ       log of each item's probability under the proposal the negatives are drawn from
     */
    void run(int[] history, int from, int[] paths, int pathCount, int target, int[] negatives, int negativeCount,
             float[] logQ, float scale, LatticeGradients g) {
        if (pathCount < 1 || pathCount > maxPaths) {
            throw new IllegalArgumentException("a sample needs 1 to " + maxPaths + " paths, got " + pathCount);
        }
        pool(history, from);
        forwardPaths(paths, pathCount);
        Arrays.fill(du, 0f);
        backwardPaths(paths, pathCount, scale, g);
        rerank(target, negatives, negativeCount, logQ, scale, g);
        for (int slot = 0; slot < windowOfSlot.length; slot++) {
            int item = history[from + slot];
            if (item >= 0) {
                int window = windowOfSlot[slot];
                g.items.add(item, 1f / filled[window], du, window * dim);
            }
        }
    }

    /** {@code u}: each window's mean item embedding, zeros for an empty window. */
    private void pool(int[] history, int from) {
        Arrays.fill(user, 0f);
        Arrays.fill(filled, 0);
        float[] table = model.itemEmbeddings();
        for (int slot = 0; slot < windowOfSlot.length; slot++) {
            int item = history[from + slot];
            if (item >= 0) {
                int window = windowOfSlot[slot];
                filled[window]++;
                K.axpy(1f, table, item * dim, user, window * dim, dim);
            }
        }
        for (int window = 0; window < filled.length; window++) {
            if (filled[window] > 1) {
                float inv = 1f / filled[window];
                for (int t = window * dim; t < (window + 1) * dim; t++) {
                    user[t] *= inv;
                }
            }
        }
    }

    private void forwardPaths(int[] paths, int pathCount) {
        LatticeArchitecture arch = model.architecture();
        for (int d = 0; d < depth; d++) {
            System.arraycopy(model.tensor(model.b[d][0]), 0, userPart[d], 0, hidden[0]);
            K.gemv(model.tensor(model.w[d][0]), arch.layerInput(d), 0, hidden[0], userWidth, user, 0, userPart[d], 0);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < pathCount; j++) {
            double sum = 0;
            for (int d = 0; d < depth; d++) {
                sum += forwardLayer(paths, j, d);
            }
            pathLogProbability[j] = sum;
            max = Math.max(max, sum);
        }
        double total = 0;
        for (int j = 0; j < pathCount; j++) {
            total += Math.exp(pathLogProbability[j] - max);
        }
        double logSum = max + Math.log(total);
        pathLoss = -logSum;
        for (int j = 0; j < pathCount; j++) {
            // From here on, the path's share r_j of the summed probability.
            pathLogProbability[j] = Math.exp(pathLogProbability[j] - logSum);
        }
    }

    /** Layer d of path j forward; returns {@code log softmax_d(c_d)}. */
    private double forwardLayer(int[] paths, int j, int d) {
        LatticeArchitecture arch = model.architecture();
        int slot = j * depth + d, base = slot * hiddenSum;
        gatherCodes(paths, j, d);
        System.arraycopy(userPart[d], 0, pre, base, hidden[0]);
        K.gemv(model.tensor(model.w[d][0]), arch.layerInput(d), userWidth, hidden[0], d * dim, codeInput, 0, pre, base);
        K.prelu(pre, base, model.tensor(model.alpha[d][0]), 0, 1, act, base, hidden[0]);
        for (int i = 1; i < hiddenLayers; i++) {
            int at = base + hiddenOffset[i], below = base + hiddenOffset[i - 1];
            System.arraycopy(model.tensor(model.b[d][i]), 0, pre, at, hidden[i]);
            K.gemv(model.tensor(model.w[d][i]), hidden[i - 1], 0, hidden[i], hidden[i - 1], act, below, pre, at);
            K.prelu(pre, at, model.tensor(model.alpha[d][i]), 0, 1, act, at, hidden[i]);
        }
        int last = hidden[hiddenLayers - 1];
        System.arraycopy(model.tensor(model.outB[d]), 0, logits, 0, k);
        K.gemv(model.tensor(model.outW[d]), last, 0, k, last, act, base + hiddenOffset[hiddenLayers - 1], logits, 0);
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            max = Math.max(max, logits[c]);
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            sum += Math.exp(logits[c] - max);
        }
        double logSum = max + Math.log(sum);
        for (int c = 0; c < k; c++) {
            probabilities[slot * k + c] = (float) Math.exp(logits[c] - logSum);
        }
        return logits[paths[j * depth + d]] - logSum;
    }

    /** The code embeddings of path j's codes above layer d, layer by layer, into {@code codeInput}. */
    private void gatherCodes(int[] paths, int j, int d) {
        for (int l = 0; l < d; l++) {
            System.arraycopy(model.tensor(model.code[l]), paths[j * depth + l] * dim, codeInput, l * dim, dim);
        }
    }

    private void backwardPaths(int[] paths, int pathCount, float scale, LatticeGradients g) {
        LatticeArchitecture arch = model.architecture();
        for (int d = 0; d < depth; d++) {
            Arrays.fill(userGradient[d], 0f);
        }
        for (int j = 0; j < pathCount; j++) {
            float weight = (float) (scale * pathLogProbability[j]);
            for (int d = 0; d < depth; d++) {
                backwardLayer(paths, j, d, weight, g);
            }
        }
        for (int d = 0; d < depth; d++) {
            int in = arch.layerInput(d);
            K.axpy(1f, userGradient[d], 0, g.dense[model.b[d][0]], 0, hidden[0]);
            K.outer(g.dense[model.w[d][0]], in, 0, hidden[0], userWidth, userGradient[d], 0, user, 0);
            K.gemvTransposed(model.tensor(model.w[d][0]), in, 0, hidden[0], userWidth, userGradient[d], 0, du, 0);
        }
    }

    /** Layer d of path j backwards, its loss gradient {@code weight · (softmax − onehot(c_d))} on the logits. */
    private void backwardLayer(int[] paths, int j, int d, float weight, LatticeGradients g) {
        LatticeArchitecture arch = model.architecture();
        int slot = j * depth + d, base = slot * hiddenSum, code = paths[j * depth + d];
        float[] dy = gradB;
        for (int c = 0; c < k; c++) {
            dy[c] = weight * (probabilities[slot * k + c] - (c == code ? 1f : 0f));
        }
        int last = hidden[hiddenLayers - 1], lastAt = base + hiddenOffset[hiddenLayers - 1];
        K.axpy(1f, dy, 0, g.dense[model.outB[d]], 0, k);
        K.outer(g.dense[model.outW[d]], last, 0, k, last, dy, 0, act, lastAt);
        float[] dx = gradA;
        Arrays.fill(dx, 0, last, 0f);
        K.gemvTransposed(model.tensor(model.outW[d]), last, 0, k, last, dy, 0, dx, 0);
        for (int i = hiddenLayers - 1; i >= 0; i--) {
            int at = base + hiddenOffset[i];
            K.preluBackward(pre, at, model.tensor(model.alpha[d][i]), 0, 1, dx, 0, g.dense[model.alpha[d][i]], hidden[i]);
            if (i > 0) {
                int below = base + hiddenOffset[i - 1];
                K.axpy(1f, dx, 0, g.dense[model.b[d][i]], 0, hidden[i]);
                K.outer(g.dense[model.w[d][i]], hidden[i - 1], 0, hidden[i], hidden[i - 1], dx, 0, act, below);
                float[] next = dx == gradA ? gradB : gradA;
                Arrays.fill(next, 0, hidden[i - 1], 0f);
                K.gemvTransposed(model.tensor(model.w[d][i]), hidden[i - 1], 0, hidden[i], hidden[i - 1], dx, 0, next, 0);
                dx = next;
            }
        }
        K.axpy(1f, dx, 0, userGradient[d], 0, hidden[0]);
        if (d > 0) {
            int in = arch.layerInput(d), width = d * dim;
            gatherCodes(paths, j, d);
            K.outer(g.dense[model.w[d][0]], in, userWidth, hidden[0], width, dx, 0, codeInput, 0);
            Arrays.fill(codeGradient, 0, width, 0f);
            K.gemvTransposed(model.tensor(model.w[d][0]), in, userWidth, hidden[0], width, dx, 0, codeGradient, 0);
            for (int l = 0; l < d; l++) {
                K.axpy(1f, codeGradient, l * dim, g.dense[model.code[l]], paths[j * depth + l] * dim, dim);
            }
        }
    }

    /** The reranker forward and backward: its user vector, the corrected sampled softmax, back into {@code du}. */
    private void rerank(int target, int[] negatives, int negativeCount, float[] logQ, float scale, LatticeGradients g) {
        float[] x = user;
        int xOff = 0, width = userWidth;
        for (int i = 0; i < rerankLayers; i++) {
            int at = rerankOffset[i];
            System.arraycopy(model.tensor(model.rb[i]), 0, rerankPre, at, rerankHidden[i]);
            K.gemv(model.tensor(model.rw[i]), width, 0, rerankHidden[i], width, x, xOff, rerankPre, at);
            K.prelu(rerankPre, at, model.tensor(model.ralpha[i]), 0, 1, rerankAct, at, rerankHidden[i]);
            x = rerankAct;
            xOff = at;
            width = rerankHidden[i];
        }
        System.arraycopy(model.tensor(model.routB), 0, rerankVector, 0, dim);
        K.gemv(model.tensor(model.routW), width, 0, dim, width, x, xOff, rerankVector, 0);
        if (candidateLogits.length < negativeCount + 1) {
            candidateLogits = new float[negativeCount + 1];
        }
        float[] items = model.rerankEmbeddings();
        float max = Float.NEGATIVE_INFINITY;
        for (int m = 0; m <= negativeCount; m++) {
            int item = m == 0 ? target : negatives[m - 1];
            candidateLogits[m] = m > 0 && item == target ? Float.NEGATIVE_INFINITY
                    : K.orderedDot(rerankVector, 0, items, item * dim, dim) - logQ[item];
            max = Math.max(max, candidateLogits[m]);
        }
        double sum = 0;
        for (int m = 0; m <= negativeCount; m++) {
            sum += Math.exp(candidateLogits[m] - max);
        }
        double logSum = max + Math.log(sum);
        rerankLoss = logSum - candidateLogits[0];
        Arrays.fill(rerankGradient, 0f);
        for (int m = 0; m <= negativeCount; m++) {
            if (candidateLogits[m] == Float.NEGATIVE_INFINITY) {
                continue;
            }
            int item = m == 0 ? target : negatives[m - 1];
            float grad = scale * (float) (Math.exp(candidateLogits[m] - logSum) - (m == 0 ? 1 : 0));
            K.axpy(grad, items, item * dim, rerankGradient, 0, dim);
            g.rerankItems.add(item, grad, rerankVector, 0);
        }
        K.axpy(1f, rerankGradient, 0, g.dense[model.routB], 0, dim);
        K.outer(g.dense[model.routW], width, 0, dim, width, rerankGradient, 0, x, xOff);
        float[] dx = rerankGradA;
        Arrays.fill(dx, 0, width, 0f);
        K.gemvTransposed(model.tensor(model.routW), width, 0, dim, width, rerankGradient, 0, dx, 0);
        for (int i = rerankLayers - 1; i >= 0; i--) {
            int at = rerankOffset[i], below = i == 0 ? 0 : rerankOffset[i - 1];
            int in = i == 0 ? userWidth : rerankHidden[i - 1];
            float[] input = i == 0 ? user : rerankAct;
            K.preluBackward(rerankPre, at, model.tensor(model.ralpha[i]), 0, 1, dx, 0, g.dense[model.ralpha[i]],
                    rerankHidden[i]);
            K.axpy(1f, dx, 0, g.dense[model.rb[i]], 0, rerankHidden[i]);
            K.outer(g.dense[model.rw[i]], in, 0, rerankHidden[i], in, dx, 0, input, below);
            if (i == 0) {
                K.gemvTransposed(model.tensor(model.rw[i]), in, 0, rerankHidden[i], in, dx, 0, du, 0);
            } else {
                float[] next = dx == rerankGradA ? rerankGradB : rerankGradA;
                Arrays.fill(next, 0, in, 0f);
                K.gemvTransposed(model.tensor(model.rw[i]), in, 0, rerankHidden[i], in, dx, 0, next, 0);
                dx = next;
            }
        }
    }
}
