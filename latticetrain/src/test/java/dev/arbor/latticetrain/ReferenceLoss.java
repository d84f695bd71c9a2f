package dev.arbor.latticetrain;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeArchitecture;

/**
 * A plain double-precision rewrite of one sample's loss, straight from the definitions (no split of the first layer,
 * no kernels), over double copies of a {@link TrainableLattice}'s arrays: tensors in order, then the item table, then
 * the rerank table. The finite differences of the gradient check are taken on it.
 */
final class ReferenceLoss {
    private final TrainableLattice model;
    final double[][] params;

    ReferenceLoss(TrainableLattice model) {
        this.model = model;
        params = new double[model.tensorCount() + 2][];
        for (int i = 0; i < model.tensorCount(); i++) {
            params[i] = toDouble(model.tensor(i));
        }
        params[model.tensorCount()] = toDouble(model.itemEmbeddings());
        params[model.tensorCount() + 1] = toDouble(model.rerankEmbeddings());
    }

    private static double[] toDouble(float[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i];
        }
        return y;
    }

    /** {@code −log Σ_j p(π_j(y) | x)} plus the corrected sampled softmax's loss, as {@link LatticeForwardBackward}. */
    double loss(int[] history, int[] paths, int pathCount, int target, int[] negatives, float[] logQ) {
        LatticeArchitecture arch = model.architecture();
        int dim = arch.embeddingDim(), depth = arch.depth();
        double[] items = params[model.tensorCount()], rerank = params[model.tensorCount() + 1];
        int[] windowOfSlot = BehaviourWindows.windowOfSlot(arch.windowSizes());
        double[] u = new double[arch.userWidth()];
        int[] filled = new int[arch.windowCount()];
        for (int slot = 0; slot < history.length; slot++) {
            if (history[slot] >= 0) {
                filled[windowOfSlot[slot]]++;
            }
        }
        for (int slot = 0; slot < history.length; slot++) {
            if (history[slot] >= 0) {
                int w = windowOfSlot[slot];
                for (int t = 0; t < dim; t++) {
                    u[w * dim + t] += items[history[slot] * dim + t] / filled[w];
                }
            }
        }
        double[] pathLogP = new double[pathCount];
        for (int j = 0; j < pathCount; j++) {
            for (int d = 0; d < depth; d++) {
                double[] x = new double[arch.layerInput(d)];
                System.arraycopy(u, 0, x, 0, u.length);
                for (int l = 0; l < d; l++) {
                    int code = paths[j * depth + l];
                    for (int t = 0; t < dim; t++) {
                        x[u.length + l * dim + t] = params[model.code[l]][code * dim + t];
                    }
                }
                double[] logits = mlp(x, model.w[d], model.b[d], model.alpha[d], model.outW[d], model.outB[d]);
                double max = Double.NEGATIVE_INFINITY;
                for (double v : logits) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (double v : logits) {
                    sum += Math.exp(v - max);
                }
                pathLogP[j] += logits[paths[j * depth + d]] - max - Math.log(sum);
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : pathLogP) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : pathLogP) {
            sum += Math.exp(v - max);
        }
        double pathLoss = -(max + Math.log(sum));
        double[] v = mlp(u, model.rw, model.rb, model.ralpha, model.routW, model.routB);
        double[] logits = new double[negatives.length + 1];
        double top = Double.NEGATIVE_INFINITY;
        for (int m = 0; m <= negatives.length; m++) {
            int item = m == 0 ? target : negatives[m - 1];
            if (m > 0 && item == target) {
                logits[m] = Double.NEGATIVE_INFINITY;
                continue;
            }
            double s = 0;
            for (int t = 0; t < dim; t++) {
                s += v[t] * rerank[item * dim + t];
            }
            logits[m] = s - logQ[item];
            top = Math.max(top, logits[m]);
        }
        double z = 0;
        for (double l : logits) {
            z += Math.exp(l - top);
        }
        return pathLoss + top + Math.log(z) - logits[0];
    }

    /** Dense layers with PReLU, then a linear output. */
    private double[] mlp(double[] x, int[] w, int[] b, int[] alpha, int outW, int outB) {
        for (int i = 0; i < w.length; i++) {
            double[] bias = params[b[i]];
            double[] y = new double[bias.length];
            for (int r = 0; r < y.length; r++) {
                double s = bias[r];
                for (int c = 0; c < x.length; c++) {
                    s += params[w[i]][r * x.length + c] * x[c];
                }
                y[r] = s > 0 ? s : params[alpha[i]][r] * s;
            }
            x = y;
        }
        double[] bias = params[outB];
        double[] out = new double[bias.length];
        for (int r = 0; r < out.length; r++) {
            double s = bias[r];
            for (int c = 0; c < x.length; c++) {
                s += params[outW][r * x.length + c] * x[c];
            }
            out[r] = s;
        }
        return out;
    }
}
