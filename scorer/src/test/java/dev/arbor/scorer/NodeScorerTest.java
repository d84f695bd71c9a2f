package dev.arbor.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.ModelWeights;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The rearranged GEMM scorer against the literal model, with both kernel sets. */
class NodeScorerTest {

    @ParameterizedTest
    @EnumSource(ModelKind.class)
    void matchesReferenceOnTdmShape(ModelKind kind) {
        ModelArchitecture arch = kind == ModelKind.ATTENTION_DNN ? ModelArchitecture.tdmAttentionDnn() : ModelArchitecture.tdmMlp();
        duel(arch, 300, 7);
    }

    @ParameterizedTest
    @EnumSource(ModelKind.class)
    void matchesReferenceOnOddShape(ModelKind kind) {
        ModelArchitecture arch = new ModelArchitecture(kind, 5, new int[] {3, 1, 2}, kind == ModelKind.ATTENTION_DNN ? 7 : 0,
                new int[] {9, 3});
        duel(arch, 131, 11);
    }

    private void duel(ModelArchitecture arch, int nodeCount, long seed) {
        ModelWeights weights = ModelWeights.gaussian(arch, 0.3, seed);
        Random r = new Random(seed + 1);
        int d = arch.embeddingDim();
        float[] emb = new float[nodeCount * d];
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (float) r.nextGaussian();
        }
        int[] history = new int[arch.historyLength()];
        float[][] historyVectors = new float[history.length][];
        for (int s = 0; s < history.length; s++) {
            // Leave the first window and some other slots empty: both paths must skip them alike.
            history[s] = s < arch.windowSizes()[0] || r.nextInt(4) == 0 ? -1 : r.nextInt(nodeCount);
            if (history[s] >= 0) {
                historyVectors[s] = java.util.Arrays.copyOfRange(emb, history[s] * d, history[s] * d + d);
            }
        }
        int[] nodes = new int[nodeCount + 3];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = r.nextInt(nodeCount);
        }
        ReferenceScorer reference = new ReferenceScorer(weights);
        for (Kernels kernels : new Kernels[] {new ScalarKernels(), new VectorKernels()}) {
            NodeScorer scorer = new NodeScorer(ModelTensors.of(weights), MemorySegment.ofArray(emb), kernels);
            ScoringContext ctx = scorer.newUser();
            scorer.prepare(ctx, history);
            float[] out = new float[nodes.length + 2];
            scorer.score(ctx, nodes, 1, nodes.length - 1, out, 2);
            for (int i = 1; i < nodes.length; i++) {
                float[] node = java.util.Arrays.copyOfRange(emb, nodes[i] * d, nodes[i] * d + d);
                double expected = reference.score(historyVectors, node);
                assertEquals(expected, out[i + 1], 1e-4 * Math.max(1, Math.abs(expected)), kernels.name() + " candidate " + i);
            }
        }
    }

    @Test
    void rejectsWrongHistoryLengthAndUnpreparedContext() {
        ModelArchitecture arch = ModelArchitecture.tdmMlp();
        NodeScorer scorer = new NodeScorer(ModelTensors.of(ModelWeights.gaussian(arch, 0.3, 1)), MemorySegment.ofArray(new float[24 * 4]),
                Kernels.best());
        ScoringContext ctx = scorer.newUser();
        assertThrows(IllegalStateException.class, () -> scorer.score(ctx, new int[] {0}, 0, 1, new float[1], 0));
        assertThrows(IllegalArgumentException.class, () -> scorer.prepare(ctx, new int[3]));
        int[] history = new int[69];
        java.util.Arrays.fill(history, -1);
        history[68] = 4;
        assertThrows(IndexOutOfBoundsException.class, () -> scorer.prepare(ctx, history));
    }
}
