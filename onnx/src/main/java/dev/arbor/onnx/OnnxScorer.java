package dev.arbor.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.scorer.ModelTensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Scores candidates with the {@link OnnxExporter} graph on ONNX Runtime's CPU provider: the peer that
 * Arbor's {@code NodeScorer} is measured against, fed the same per-level candidate batches.
 *
 * <p>Usage per query: {@link #setHistory} once, then {@link #score} for each level's batch. Inputs and
 * the output live in direct buffers that the ONNX tensors wrap without copying, and the output is a
 * pinned tensor that ONNX Runtime writes into; the candidate and score tensors are re-wrapped only when
 * the batch size changes (their shapes are part of the tensor). Not thread-safe: one instance per thread
 * (the session itself could be shared, the buffers cannot).
 */
public final class OnnxScorer implements AutoCloseable {
    /** The graph's input and output names: the exporter's, or those of a graph trained elsewhere. */
    public record Names(String history, String mask, String candidates, String scores) {
        public static final Names EXPORTED = new Names(OnnxExporter.HISTORY, OnnxExporter.MASK, OnnxExporter.CANDIDATES,
                OnnxExporter.SCORES);

        @Override
        public String toString() {
            return "history \"" + history + "\", mask \"" + mask + "\", candidates \"" + candidates + "\" -> scores \""
                    + scores + "\"";
        }
    }

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final int dim, historyLength;
    private final FloatBuffer history, mask;
    private final OnnxTensor historyTensor, maskTensor;
    private final Names names;
    private final Map<String, OnnxTensor> inputs = new HashMap<>(4), outputs = new HashMap<>(2);
    private FloatBuffer candidates = floats(0), scores = floats(0);
    private OnnxTensor candidateTensor, scoreTensor;
    private int batch = -1;

    /** Exports {@code model} and opens it with {@code intraOpThreads} threads per run (1 runs on the caller). */
    public OnnxScorer(ModelTensors model, int intraOpThreads) throws OrtException {
        this(OnnxExporter.toBytes(model), model.architecture(), intraOpThreads);
    }

    /** Opens an exported model; {@code architecture} gives the input shapes. */
    public OnnxScorer(byte[] onnxModel, ModelArchitecture architecture, int intraOpThreads) throws OrtException {
        this(onnxModel, architecture, Names.EXPORTED, intraOpThreads);
    }

    /** Opens a model whose inputs and output are called {@code names}; {@code architecture} gives their shapes. */
    public OnnxScorer(byte[] onnxModel, ModelArchitecture architecture, Names names, int intraOpThreads)
            throws OrtException {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be >= 1, got " + intraOpThreads);
        }
        this.names = names;
        this.dim = architecture.embeddingDim();
        this.historyLength = architecture.historyLength();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(onnxModel, options);
        }
        history = floats(historyLength * dim);
        mask = floats(historyLength);
        historyTensor = OnnxTensor.createTensor(env, history, new long[] {historyLength, dim});
        maskTensor = OnnxTensor.createTensor(env, mask, new long[] {historyLength});
        inputs.put(names.history(), historyTensor);
        inputs.put(names.mask(), maskTensor);
    }

    /**
     * Sets the user: {@code embeddings} holds {@code T x d} floats (slot 0 the oldest) and
     * {@code slotMask[t]} is 1 for a behaviour, 0 for an empty slot (whose row is ignored if finite).
     */
    public void setHistory(float[] embeddings, float[] slotMask) {
        if (embeddings.length != historyLength * dim || slotMask.length != historyLength) {
            throw new IllegalArgumentException("history must be " + historyLength + " x " + dim + " floats with a mask of "
                    + historyLength + ", got " + embeddings.length + " and " + slotMask.length);
        }
        history.put(0, embeddings);
        mask.put(0, slotMask);
    }

    /** Scores {@code count} candidates ({@code count x d} floats, row-major) into {@code out[outOff ..]}. */
    public void score(float[] candidateEmbeddings, int count, float[] out, int outOff) throws OrtException {
        if (count < 1 || candidateEmbeddings.length < count * dim) {
            throw new IllegalArgumentException("need at least one candidate and " + count + " x " + dim + " floats, got "
                    + candidateEmbeddings.length);
        }
        resize(count);
        candidates.put(0, candidateEmbeddings, 0, count * dim);
        session.run(inputs, outputs).close(); // the result owns nothing: the only output is pinned
        scores.get(0, out, outOff, count);
    }

    private void resize(int count) throws OrtException {
        if (count == batch) {
            return;
        }
        closeBatch();
        if (scores.capacity() < count) {
            candidates = floats(count * dim);
            scores = floats(count);
        }
        candidateTensor = OnnxTensor.createTensor(env, candidates.slice(0, count * dim), new long[] {count, dim});
        scoreTensor = OnnxTensor.createTensor(env, scores.slice(0, count), new long[] {count});
        inputs.put(names.candidates(), candidateTensor);
        outputs.put(names.scores(), scoreTensor);
        batch = count;
    }

    private void closeBatch() {
        if (candidateTensor != null) {
            candidateTensor.close();
            scoreTensor.close();
            candidateTensor = scoreTensor = null;
            batch = -1;
        }
    }

    private static FloatBuffer floats(int n) {
        return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public void close() throws OrtException {
        closeBatch();
        historyTensor.close();
        maskTensor.close();
        session.close();
    }
}
