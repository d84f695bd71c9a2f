package dev.arbor.format;

import java.util.List;

/**
 * What TDM's model and Deep Retrieval's share: the limits on the behaviour input (dimension and windows) and on
 * hidden layers, and the tensors of an MLP (hidden layers {@code W x + b} with PReLU, then a linear output).
 */
final class Mlp {
    static final int MAX_DIM = 4096;
    static final int MAX_WINDOWS = 256;
    static final int MAX_WINDOW_SIZE = 4096;
    static final int MAX_LAYERS = 16;
    static final int MAX_WIDTH = 65536;

    private Mlp() {
    }

    /** Embedding dimension in [1, 4096]; 1 to 256 windows of 1 to 4096 slots each. */
    static void checkInput(int embeddingDim, int[] windowSizes) {
        check(embeddingDim >= 1 && embeddingDim <= MAX_DIM, "embeddingDim must be in [1, " + MAX_DIM + "], got "
                + embeddingDim);
        check(windowSizes.length >= 1 && windowSizes.length <= MAX_WINDOWS, "window count must be in [1, " + MAX_WINDOWS
                + "]");
        for (int w : windowSizes) {
            check(w >= 1 && w <= MAX_WINDOW_SIZE, "window size must be in [1, " + MAX_WINDOW_SIZE + "], got " + w);
        }
    }

    /** 1 to 16 hidden layers of 1 to 65536 units; {@code what} names them in the message ("hidden layer"). */
    static void checkHidden(String what, int[] hidden) {
        check(hidden.length >= 1 && hidden.length <= MAX_LAYERS, what + " count must be in [1, " + MAX_LAYERS + "]");
        for (int h : hidden) {
            check(h >= 1 && h <= MAX_WIDTH, what + " width must be in [1, " + MAX_WIDTH + "], got " + h);
        }
    }

    /**
     * Appends the tensors of an MLP over {@code in} inputs: per hidden layer i {@code <prefix>mlp<i>.w [h_i x in_i]},
     * {@code <prefix>mlp<i>.b [h_i]}, {@code <prefix>mlp<i>.alpha [h_i]}; then {@code <prefix>out.w [outputs x h_last]}
     * and {@code <prefix>out.b [outputs]}.
     */
    static void addTensors(List<TensorSpec> into, String prefix, int in, int[] hidden, int outputs) {
        for (int i = 0; i < hidden.length; i++) {
            into.add(new TensorSpec(prefix + "mlp" + i + ".w", hidden[i], in));
            into.add(new TensorSpec(prefix + "mlp" + i + ".b", 1, hidden[i]));
            into.add(new TensorSpec(prefix + "mlp" + i + ".alpha", 1, hidden[i]));
            in = hidden[i];
        }
        into.add(new TensorSpec(prefix + "out.w", outputs, in));
        into.add(new TensorSpec(prefix + "out.b", 1, outputs));
    }

    /** The largest weight matrix of such an MLP, computed in longs: the widths are modest, their products are not. */
    static long largestTensor(long in, int[] hidden, long outputs) {
        long largest = 0;
        for (int h : hidden) {
            largest = Math.max(largest, h * in);
            in = h;
        }
        return Math.max(largest, outputs * in);
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
