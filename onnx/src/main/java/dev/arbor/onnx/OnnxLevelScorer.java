package dev.arbor.onnx;

import static dev.arbor.format.FramedFile.FLOAT;

import ai.onnxruntime.OrtException;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.scorer.LevelScorer;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * ONNX Runtime as a {@link LevelScorer}, so beam search can run on an exported (or externally trained) graph
 * instead of Arbor's own scorer: it gathers the history's and each level's candidate embeddings from the node
 * embedding table and feeds them to an {@link OnnxScorer}. One query at a time: the session holds the prepared
 * history, so use one instance per thread and score a user's levels before preparing the next user.
 */
public final class OnnxLevelScorer implements LevelScorer {
    private final OnnxScorer onnx;
    private final MemorySegment nodeEmbeddings;
    private final int dim, historyLength;
    private final float[] history, mask;
    private float[] candidates = new float[0];

    /** Scores with {@code onnx}, whose architecture is {@code architecture}, over {@code nodeEmbeddings} (nodes x dim floats). */
    public OnnxLevelScorer(OnnxScorer onnx, ModelArchitecture architecture, MemorySegment nodeEmbeddings) {
        this.onnx = onnx;
        this.nodeEmbeddings = nodeEmbeddings;
        this.dim = architecture.embeddingDim();
        this.historyLength = architecture.historyLength();
        this.history = new float[historyLength * dim];
        this.mask = new float[historyLength];
    }

    /** The history lives in the session; there is no per-user state beyond it. */
    private static final User USER = new User() { };

    @Override
    public User newUser() {
        return USER;
    }

    @Override
    public int historyLength() {
        return historyLength;
    }

    @Override
    public void prepare(User user, int[] historyNodes) {
        if (historyNodes.length != historyLength) {
            throw new IllegalArgumentException("history must have " + historyLength + " slots, got " + historyNodes.length);
        }
        Arrays.fill(history, 0f);
        for (int slot = 0; slot < historyLength; slot++) {
            boolean filled = historyNodes[slot] != BehaviourWindows.PADDING;
            mask[slot] = filled ? 1f : 0f;
            if (filled) {
                gather(historyNodes[slot], history, slot);
            }
        }
        onnx.setHistory(history, mask);
    }

    @Override
    public void score(User user, int[] nodes, int from, int count, float[] out, int outOff) {
        if (count == 0) {
            return;
        }
        if (candidates.length < count * dim) {
            candidates = new float[count * dim];
        }
        for (int i = 0; i < count; i++) {
            gather(nodes[from + i], candidates, i);
        }
        try {
            onnx.score(candidates, count, out, outOff);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to score " + count + " candidates", e);
        }
    }

    private void gather(int node, float[] into, int row) {
        MemorySegment.copy(nodeEmbeddings, FLOAT, (long) node * dim * Float.BYTES, into, row * dim, dim);
    }
}
