package dev.arbor.nn;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelWeights;

import java.util.List;

/**
 * The model written literally from the {@link ModelArchitecture} Javadoc, in double precision and with no
 * attempt at speed: the serving-side semantics for scores, and the training-mode batch loss (BatchNorm on
 * batch statistics) whose central differences the gradient checks use. Its parameters are double copies
 * that a test may perturb.
 */
final class Reference {

    private final ModelArchitecture arch;
    private final List<String> names;
    final double[][] params;
    final double[] emb;
    private final boolean batchNorm;
    private final double bnEpsilon;

    private Reference(ModelArchitecture arch, List<String> names, float[][] params, float[] emb, boolean batchNorm,
                      double bnEpsilon) {
        this.arch = arch;
        this.names = names;
        this.params = new double[params.length][];
        for (int i = 0; i < params.length; i++) {
            this.params[i] = toDouble(params[i]);
        }
        this.emb = toDouble(emb);
        this.batchNorm = batchNorm;
        this.bnEpsilon = bnEpsilon;
    }

    /** The serving model: canonical weights, no BatchNorm. */
    static Reference of(ModelWeights w, float[] embeddings) {
        List<String> names = w.architecture().tensors().stream().map(t -> t.name()).toList();
        return new Reference(w.architecture(), names, w.tensors(), embeddings, false, 0);
    }

    /** A copy of the training model's parameters, BatchNorm (training mode) included. */
    static Reference of(TrainableModel m) {
        float[][] p = new float[m.parameterCount()][];
        for (int i = 0; i < p.length; i++) {
            p[i] = m.parameter(i);
        }
        return new Reference(m.architecture(), m.parameterNames(), p, m.embeddings(), m.options().batchNorm(),
                m.options().bnEpsilon());
    }

    private double[] param(String name) {
        return params[names.indexOf(name)];
    }

    /** Score of one candidate ({@code logit1 - logit0}); serving models only. */
    double score(int[] history, int cand) {
        if (batchNorm) {
            throw new IllegalStateException("a single score needs inference-mode BatchNorm");
        }
        double[][] x = {mlpInput(history, cand)};
        double[] logits = mlp(x)[0];
        return logits[1] - logits[0];
    }

    /** Mean 2-way softmax cross-entropy over the batch's pairs, BatchNorm on the batch's statistics. */
    double batchLoss(Batch batch) {
        int pairs = batch.pairCount();
        int h = batch.historyLength();
        double[][] x = new double[pairs][];
        int[] history = new int[h];
        for (int g = 0; g < batch.groupCount(); g++) {
            System.arraycopy(batch.histories(), g * h, history, 0, h);
            for (int q = batch.groupStart(g); q < batch.groupStart(g + 1); q++) {
                x[q] = mlpInput(history, batch.rows()[q]);
            }
        }
        double[][] logits = mlp(x);
        double loss = 0;
        for (int q = 0; q < pairs; q++) {
            double l0 = logits[q][0];
            double l1 = logits[q][1];
            double max = Math.max(l0, l1);
            double logSum = max + Math.log(Math.exp(l0 - max) + Math.exp(l1 - max));
            loss += logSum - (batch.labels()[q] == 1 ? l1 : l0);
        }
        return loss / pairs;
    }

    /** [pooled window 0 .. window W-1; n], each window the mean of {@code a * b} over its non-empty slots. */
    private double[] mlpInput(int[] history, int cand) {
        int d = arch.embeddingDim();
        int nOff = cand * d;
        double[] x = new double[arch.mlpInput()];
        int slot = 0;
        for (int win = 0; win < arch.windowCount(); win++) {
            int count = 0;
            for (int j = 0; j < arch.windowSizes()[win]; j++, slot++) {
                if (history[slot] < 0) {
                    continue;
                }
                int bOff = history[slot] * d;
                double a = 1;
                if (arch.hasAttention()) {
                    double[] in = new double[3 * d];
                    for (int i = 0; i < d; i++) {
                        in[i] = emb[bOff + i];
                        in[d + i] = emb[bOff + i] * emb[nOff + i];
                        in[2 * d + i] = emb[nOff + i];
                    }
                    double[] unit = prelu(dense(param("att.w1"), param("att.b1"), in), param("att.alpha"));
                    double[] w2 = param("att.w2");
                    a = param("att.b2")[0];
                    for (int i = 0; i < unit.length; i++) {
                        a += w2[i] * unit[i];
                    }
                }
                count++;
                for (int i = 0; i < d; i++) {
                    x[win * d + i] += a * emb[bOff + i];
                }
            }
            for (int i = 0; count > 0 && i < d; i++) {
                x[win * d + i] /= count;
            }
        }
        for (int i = 0; i < d; i++) {
            x[arch.windowCount() * d + i] = emb[nOff + i];
        }
        return x;
    }

    /** Hidden layers (dense, BatchNorm over the rows if on, PReLU) and the output layer, for every row. */
    private double[][] mlp(double[][] x) {
        for (int l = 0; l < arch.mlpHidden().length; l++) {
            double[][] z = new double[x.length][];
            for (int q = 0; q < x.length; q++) {
                z[q] = dense(param("mlp" + l + ".w"), param("mlp" + l + ".b"), x[q]);
            }
            if (batchNorm) {
                normalise(z, param("bn" + l + ".gamma"), param("bn" + l + ".beta"));
            }
            for (int q = 0; q < x.length; q++) {
                x[q] = prelu(z[q], param("mlp" + l + ".alpha"));
            }
        }
        double[][] out = new double[x.length][];
        for (int q = 0; q < x.length; q++) {
            out[q] = dense(param("out.w"), param("out.b"), x[q]);
        }
        return out;
    }

    private void normalise(double[][] z, double[] gamma, double[] beta) {
        for (int i = 0; i < gamma.length; i++) {
            double mean = 0;
            for (double[] row : z) {
                mean += row[i];
            }
            mean /= z.length;
            double var = 0;
            for (double[] row : z) {
                var += (row[i] - mean) * (row[i] - mean);
            }
            var /= z.length;
            for (double[] row : z) {
                row[i] = gamma[i] * (row[i] - mean) / Math.sqrt(var + bnEpsilon) + beta[i];
            }
        }
    }

    private static double[] dense(double[] w, double[] b, double[] x) {
        double[] y = new double[b.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = b[i];
            for (int j = 0; j < x.length; j++) {
                y[i] += w[i * x.length + j] * x[j];
            }
        }
        return y;
    }

    private static double[] prelu(double[] z, double[] alpha) {
        double[] y = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            y[i] = z[i] > 0 ? z[i] : alpha[i] * z[i];
        }
        return y;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
