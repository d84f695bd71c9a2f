package dev.arbor.onnx;

import ai.onnxruntime.OrtException;
import dev.arbor.format.FramedFile;
import dev.arbor.scorer.NodeScorer;
import dev.arbor.scorer.ScoringContext;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Arbor's scorer against ONNX Runtime on the same random users: each a history of random nodes of the index with
 * about a quarter of the slots empty (and, for every other user, the whole first window), and a batch of random
 * candidate nodes. The figure is the largest {@code |arbor - ort| / max(1, |ort|)}, as in the level-scoring
 * benchmark.
 */
public final class ScoreCheck {
    /** How many users and candidates per user a check scores. */
    public record Size(int users, int candidates) {
        public Size {
            if (users < 1 || candidates < 1) {
                throw new IllegalArgumentException("a check needs at least one user and one candidate, got " + users
                        + " and " + candidates);
            }
        }
    }

    private ScoreCheck() {
    }

    /**
     * Scores the same users with {@code arbor}, which reads rows of {@code embeddings}, and with the ONNX graph
     * {@code onnx} opened with {@code names}; returns the largest relative difference.
     */
    public static double maxRelativeDifference(NodeScorer arbor, MemorySegment embeddings, byte[] onnx,
                                               OnnxScorer.Names names, Size size, long seed) throws OrtException {
        int d = arbor.architecture().embeddingDim(), slots = arbor.historyLength();
        int firstWindow = arbor.architecture().windowSizes()[0];
        int nodes = Math.toIntExact(embeddings.byteSize() / ((long) d * Float.BYTES));
        SplittableRandom random = new SplittableRandom(seed);
        int[] history = new int[slots], candidates = new int[size.candidates()];
        float[] historyRows = new float[slots * d], mask = new float[slots], candidateRows = new float[size.candidates() * d];
        float[] expected = new float[size.candidates()], actual = new float[size.candidates()];
        ScoringContext user = arbor.newUser();
        double worst = 0;
        try (OnnxScorer ort = new OnnxScorer(onnx, arbor.architecture(), names, 1)) {
            for (int u = 0; u < size.users(); u++) {
                Arrays.fill(historyRows, 0f); // an empty slot's row is ignored, but must be finite
                for (int s = 0; s < slots; s++) {
                    boolean empty = random.nextInt(4) == 0 || (u % 2 == 1 && s < firstWindow);
                    history[s] = empty ? -1 : random.nextInt(nodes);
                    mask[s] = empty ? 0f : 1f;
                    if (!empty) {
                        MemorySegment.copy(embeddings, FramedFile.FLOAT, (long) history[s] * d * Float.BYTES, historyRows,
                                s * d, d);
                    }
                }
                for (int i = 0; i < candidates.length; i++) {
                    candidates[i] = random.nextInt(nodes);
                    MemorySegment.copy(embeddings, FramedFile.FLOAT, (long) candidates[i] * d * Float.BYTES, candidateRows,
                            i * d, d);
                }
                arbor.prepare(user, history);
                arbor.score(user, candidates, 0, candidates.length, actual, 0);
                ort.setHistory(historyRows, mask);
                ort.score(candidateRows, candidates.length, expected, 0);
                for (int i = 0; i < candidates.length; i++) {
                    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
                }
            }
        }
        return worst;
    }
}
