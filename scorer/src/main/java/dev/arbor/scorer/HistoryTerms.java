package dev.arbor.scorer;

/**
 * The history side of the GEMM formulation, shared by serving ({@link NodeScorer#prepare}) and training, so
 * that both compute the same terms the same way. For {@code v} behaviours {@code b_j} (rows of {@code d}
 * floats):
 * <ul>
 *   <li>{@link #slotWeights}: the attention unit's {@code W1 [b; b*n; n] + b1 = G_j [n; 1]} with
 *       {@code G_j = [Wbn diag(b_j) + Wn | Wb b_j + b1]}, an {@code A x (d+1)} block per behaviour;</li>
 *   <li>{@link #pooledByBehaviour}: window pooling folded into the first MLP layer,
 *       {@code row j = (W0[:, window(j)] b_j / |window(j)|)^T}, a {@code v x h0} matrix.</li>
 * </ul>
 * {@code att.w1}'s row {@code u} is {@code [Wb | Wbn | Wn]}, {@code d} floats each.
 */
public final class HistoryTerms {

    private HistoryTerms() {
    }

    /**
     * Writes the {@code v} blocks {@code G_j} to {@code out}, block {@code j} at {@code j * a * (d + 1)},
     * row-major. {@code byColumn} ({@code d x v}) and {@code slotBias} ({@code a x v}) are scratch.
     */
    public static void slotWeights(Kernels kernels, float[] attW1, float[] attB1, int a, int d, float[] behaviours,
                                   int v, float[] byColumn, float[] slotBias, float[] out) {
        int stride = d + 1, row3d = 3 * d;
        for (int j = 0; j < v; j++) {
            for (int k = 0; k < d; k++) {
                byColumn[k * v + j] = behaviours[j * d + k];
            }
        }
        // Wb b_j for every behaviour at once: (A x d) by the behaviours as columns (d x v).
        kernels.gemm(attW1, 0, row3d, a, d, byColumn, 0, v, slotBias, 0, v, v, false);
        for (int j = 0; j < v; j++) {
            int base = j * a * stride;
            for (int u = 0; u < a; u++) {
                int w = u * row3d, g = base + u * stride;
                kernels.multiplyAdd(attW1, w + d, behaviours, j * d, attW1, w + 2 * d, out, g, d);
                out[g + d] = slotBias[u * v + j] + attB1[u];
            }
        }
    }

    /**
     * Writes {@code out[j][i] = sum_k W0[i][window(j) d + k] b_j[k] / |window(j)|} ({@code v x h0}). Behaviour
     * {@code j} is in window {@code windowOfSlot[validSlots[j]]}, which holds {@code windowCounts[w]} of them;
     * behaviours are in slot order, so each window's are a run of rows: one GEMM per run against
     * {@code historyWeightsByRow}, the history block of W0 transposed ({@code (windows d) x h0}, see
     * {@link #transposeHistoryWeights}). {@code scaled} ({@code v x d}) receives each behaviour over its
     * window's size.
     */
    public static void pooledByBehaviour(Kernels kernels, float[] historyWeightsByRow, int h0, int d,
                                         float[] behaviours, int v, int[] validSlots, int[] windowOfSlot,
                                         int[] windowCounts, float[] scaled, float[] out) {
        for (int j = 0; j < v; j++) {
            float inverseCount = 1f / windowCounts[windowOfSlot[validSlots[j]]];
            for (int k = 0; k < d; k++) {
                scaled[j * d + k] = behaviours[j * d + k] * inverseCount;
            }
        }
        for (int first = 0; first < v; ) {
            int window = windowOfSlot[validSlots[first]], end = first + 1;
            while (end < v && windowOfSlot[validSlots[end]] == window) {
                end++;
            }
            kernels.gemm(scaled, first * d, d, end - first, d, historyWeightsByRow, window * d * h0, h0, out,
                    first * h0, h0, h0, false);
            first = end;
        }
    }

    /**
     * {@code out[p][i] = w0[i][p]} for the first {@code historyInputs} columns of the {@code h0 x in0} first-layer
     * weights: the layout {@link #pooledByBehaviour} reads.
     */
    public static void transposeHistoryWeights(float[] w0, int in0, int historyInputs, int h0, float[] out) {
        for (int i = 0; i < h0; i++) {
            for (int p = 0; p < historyInputs; p++) {
                out[p * h0 + i] = w0[i * in0 + p];
            }
        }
    }
}
