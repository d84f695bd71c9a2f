package dev.arbor.nn;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.scorer.HistoryTerms;

/**
 * Transposed copies of the dense weights, laid out as the training GEMMs read them (the weight as the right
 * operand, its output units along the vector lanes). Refreshed from the model before each step, because the
 * optimiser changes the weights in place; the threads of a step share one instance and only read it.
 */
final class TransposedWeights {

    private final TrainableModel model;
    private final int in0;
    private final int historyInputs;
    private final int[] widths;
    /** mlp0's history block, {@code (windows d) x h0}: what {@link HistoryTerms#pooledByBehaviour} reads. */
    final float[] historyByRow;
    /** mlp0's candidate block, {@code d x h0}. */
    final float[] candidateByRow;
    /** For dense layer {@code l >= 1} (the last is the output layer): its weights transposed, {@code in x out}. */
    final float[][] dense;

    TransposedWeights(TrainableModel model) {
        this.model = model;
        ModelArchitecture a = model.architecture();
        in0 = a.mlpInput();
        historyInputs = a.windowCount() * a.embeddingDim();
        widths = a.mlpHidden();
        historyByRow = new float[historyInputs * widths[0]];
        candidateByRow = new float[(in0 - historyInputs) * widths[0]];
        dense = new float[widths.length + 1][];
        for (int l = 1; l <= widths.length; l++) {
            dense[l] = new float[model.parameter(weightOf(l)).length];
        }
    }

    private int weightOf(int l) {
        return l == widths.length ? model.outW : model.mlpW[l];
    }

    void refresh() {
        int h0 = widths[0];
        float[] w0 = model.parameter(model.mlpW[0]);
        HistoryTerms.transposeHistoryWeights(w0, in0, historyInputs, h0, historyByRow);
        for (int i = 0; i < h0; i++) {
            for (int k = historyInputs; k < in0; k++) {
                candidateByRow[(k - historyInputs) * h0 + i] = w0[i * in0 + k];
            }
        }
        for (int l = 1; l < dense.length; l++) {
            float[] w = model.parameter(weightOf(l));
            int cols = widths[l - 1];
            int rows = w.length / cols;
            float[] t = dense[l];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    t[j * rows + i] = w[i * cols + j];
                }
            }
        }
    }
}
