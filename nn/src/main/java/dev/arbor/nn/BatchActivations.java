package dev.arbor.nn;

/**
 * Per-pair activations of the MLP part for a whole batch, one row per (history, candidate) pair, kept
 * between the forward and backward passes (BatchNorm needs batch-wide statistics, so layers run one at a
 * time over the batch). Rows are written only by the thread owning the pair, so threads share one
 * instance. Buffers grow to the largest batch seen and are reused.
 */
final class BatchActivations {

    private final int[] widths;
    private final boolean batchNorm;
    /** Per hidden layer: the PReLU input (dense output, or BN output when BN is on). */
    final float[][] pre;
    /** Per hidden layer: the normalised dense output (BN only). */
    final float[][] xhat;
    /** Per hidden layer: the PReLU output. */
    final float[][] act;
    /** Per hidden layer: the loss gradient w.r.t. {@link #act}, turned in place into that w.r.t. the dense output. */
    final float[][] grad;
    /** Two logits per pair and their loss gradients. */
    float[] logits = new float[0];
    float[] dLogits = new float[0];
    /** One per pair: a GEMM with it sums a layer's gradient over the pairs (its bias gradient). */
    float[] ones = new float[0];
    private int capacity;

    BatchActivations(int[] widths, boolean batchNorm) {
        this.widths = widths.clone();
        this.batchNorm = batchNorm;
        int layers = widths.length;
        pre = new float[layers][0];
        xhat = new float[layers][0];
        act = new float[layers][0];
        grad = new float[layers][0];
    }

    void ensure(int pairs) {
        if (pairs <= capacity) {
            return;
        }
        int cap = Math.max(pairs, capacity + capacity / 2);
        for (int l = 0; l < widths.length; l++) {
            int n = cap * widths[l];
            pre[l] = new float[n];
            act[l] = new float[n];
            grad[l] = new float[n];
            if (batchNorm) {
                xhat[l] = new float[n];
            }
        }
        logits = new float[cap * 2];
        dLogits = new float[cap * 2];
        ones = new float[cap];
        java.util.Arrays.fill(ones, 1f);
        capacity = cap;
    }
}
