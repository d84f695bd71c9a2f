package dev.arbor.scorer;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelWeights;

/**
 * The models written literally, one candidate at a time, in double precision: the oracle for the
 * optimised {@link NodeScorer} and the "plain scalar Java" baseline in benchmarks.
 */
public final class ReferenceScorer {
    private final ModelWeights weights;
    private final ModelArchitecture arch;

    public ReferenceScorer(ModelWeights weights) {
        this.weights = weights;
        this.arch = weights.architecture();
    }

    /**
     * @param history one embedding per slot (oldest first), null for an empty slot
     * @param node    the candidate node's embedding
     */
    public double score(float[][] history, float[] node) {
        int d = arch.embeddingDim(), windows = arch.windowCount();
        int[] windowOf = arch.windowOfSlot();
        double[] x = new double[arch.mlpInput()];
        int[] counts = new int[windows];
        for (int s = 0; s < history.length; s++) {
            float[] b = history[s];
            if (b == null) {
                continue;
            }
            double act = arch.hasAttention() ? activation(b, node) : 1.0;
            int w = windowOf[s];
            counts[w]++;
            for (int k = 0; k < d; k++) {
                x[w * d + k] += act * b[k];
            }
        }
        for (int w = 0; w < windows; w++) {
            for (int k = 0; k < d && counts[w] > 0; k++) {
                x[w * d + k] /= counts[w];
            }
        }
        for (int k = 0; k < d; k++) {
            x[windows * d + k] = node[k];
        }
        int[] hidden = arch.mlpHidden();
        for (int i = 0; i < hidden.length; i++) {
            x = dense(weights.tensor("mlp" + i + ".w"), weights.tensor("mlp" + i + ".b"), x, hidden[i]);
            prelu(x, weights.tensor("mlp" + i + ".alpha"));
        }
        double[] logits = dense(weights.tensor("out.w"), weights.tensor("out.b"), x, ModelArchitecture.OUTPUTS);
        return logits[1] - logits[0];
    }

    private double activation(float[] b, float[] n) {
        int d = arch.embeddingDim();
        double[] in = new double[3 * d];
        for (int k = 0; k < d; k++) {
            in[k] = b[k];
            in[d + k] = (double) b[k] * n[k];
            in[2 * d + k] = n[k];
        }
        double[] h = dense(weights.tensor("att.w1"), weights.tensor("att.b1"), in, arch.attentionHidden());
        prelu(h, weights.tensor("att.alpha"));
        double[] out = dense(weights.tensor("att.w2"), weights.tensor("att.b2"), h, 1);
        return out[0];
    }

    private static double[] dense(float[] w, float[] bias, double[] x, int outputs) {
        double[] y = new double[outputs];
        for (int o = 0; o < outputs; o++) {
            double s = bias[o];
            for (int i = 0; i < x.length; i++) {
                s += (double) w[o * x.length + i] * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    private static void prelu(double[] x, float[] alpha) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] < 0) {
                x[i] *= alpha[i];
            }
        }
    }
}
