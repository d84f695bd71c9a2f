package dev.arbor.scorer;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelWeights;
import dev.arbor.format.TensorSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The models written literally from the {@link ModelArchitecture} Javadoc, one candidate at a time, in double
 * precision and with no attempt at speed: the oracle for the optimised {@link NodeScorer} and for the training
 * model, and the "plain scalar Java" baseline in benchmarks.
 *
 * <p>It holds double copies of the tensors, which a test may perturb through {@link #tensor} (central
 * differences in gradient checks need steps far below a float's resolution), and shows the layers one by one
 * ({@link #mlpInput}, {@link #hiddenLayer}, {@link #activate}, {@link #logits}) for a test that puts something
 * of its own between them, such as training-mode BatchNorm.
 */
public final class ReferenceScorer {
    private final ModelArchitecture arch;
    private final Map<String, double[]> tensors = new HashMap<>();

    public ReferenceScorer(ModelWeights weights) {
        this(weights.architecture(), weights.architecture().tensors().stream().map(TensorSpec::name).toList(),
                weights.tensors());
    }

    /**
     * A model of {@code arch} from tensors {@code values} named {@code names}: at least the architecture's
     * tensors in its layouts; others (a training model's BatchNorm parameters, say) are kept for
     * {@link #tensor} alone.
     */
    public ReferenceScorer(ModelArchitecture arch, List<String> names, float[][] values) {
        if (names.size() != values.length) {
            throw new IllegalArgumentException(names.size() + " names for " + values.length + " tensors");
        }
        this.arch = arch;
        for (int i = 0; i < values.length; i++) {
            tensors.put(names.get(i), toDouble(values[i]));
        }
        for (TensorSpec spec : arch.tensors()) {
            double[] t = tensors.get(spec.name());
            if (t == null || t.length != spec.size()) {
                throw new IllegalArgumentException("tensor " + spec.name() + " must have " + spec.size() + " floats");
            }
        }
    }

    /** Tensor {@code name} as the double copy the scores are computed from; changes to it change later scores. */
    public double[] tensor(String name) {
        double[] t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return t;
    }

    /**
     * @param history one embedding per slot (oldest first), null for an empty slot
     * @param node    the candidate node's embedding
     */
    public double score(float[][] history, float[] node) {
        double[][] h = new double[history.length][];
        for (int s = 0; s < history.length; s++) {
            h[s] = history[s] == null ? null : toDouble(history[s]);
        }
        return score(h, toDouble(node));
    }

    /** {@link #score(float[][], float[])} on double embeddings: {@code logit1 - logit0}. */
    public double score(double[][] history, double[] node) {
        double[] x = mlpInput(history, node);
        for (int i = 0; i < arch.mlpHidden().length; i++) {
            x = activate(i, hiddenLayer(i, x));
        }
        double[] logits = logits(x);
        return logits[1] - logits[0];
    }

    /**
     * The MLP's input: each window's mean over its non-empty slots of the behaviour embedding, weighted by the
     * attention unit's activation for the attention-DNN, then the candidate's embedding.
     *
     * @param history one embedding per slot (oldest first), null for an empty slot
     */
    public double[] mlpInput(double[][] history, double[] node) {
        int d = arch.embeddingDim(), windows = arch.windowCount();
        int[] windowOf = arch.windowOfSlot();
        double[] x = new double[arch.mlpInput()];
        int[] counts = new int[windows];
        for (int s = 0; s < history.length; s++) {
            double[] b = history[s];
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
        return x;
    }

    /** Hidden layer {@code layer}'s dense part, {@code W x + b}: the input of its PReLU. */
    public double[] hiddenLayer(int layer, double[] x) {
        return dense(tensor("mlp" + layer + ".w"), tensor("mlp" + layer + ".b"), x, arch.mlpHidden()[layer]);
    }

    /** Hidden layer {@code layer}'s PReLU, in place; returns {@code z}. */
    public double[] activate(int layer, double[] z) {
        prelu(z, tensor("mlp" + layer + ".alpha"));
        return z;
    }

    /** The output layer on the last hidden layer's activations: the two logits. */
    public double[] logits(double[] x) {
        return dense(tensor("out.w"), tensor("out.b"), x, ModelArchitecture.OUTPUTS);
    }

    private double activation(double[] b, double[] n) {
        int d = arch.embeddingDim();
        double[] in = new double[3 * d];
        for (int k = 0; k < d; k++) {
            in[k] = b[k];
            in[d + k] = b[k] * n[k];
            in[2 * d + k] = n[k];
        }
        double[] h = dense(tensor("att.w1"), tensor("att.b1"), in, arch.attentionHidden());
        prelu(h, tensor("att.alpha"));
        double[] out = dense(tensor("att.w2"), tensor("att.b2"), h, 1);
        return out[0];
    }

    private static double[] dense(double[] w, double[] bias, double[] x, int outputs) {
        double[] y = new double[outputs];
        for (int o = 0; o < outputs; o++) {
            double s = bias[o];
            for (int i = 0; i < x.length; i++) {
                s += w[o * x.length + i] * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    private static void prelu(double[] x, double[] alpha) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] < 0) {
                x[i] *= alpha[i];
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
