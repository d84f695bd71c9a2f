package dev.arbor.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnx.proto.OnnxMl;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.ModelWeights;
import dev.arbor.scorer.Kernels;
import dev.arbor.scorer.ModelTensors;
import dev.arbor.scorer.NodeScorer;
import dev.arbor.scorer.ReferenceScorer;
import dev.arbor.scorer.ScalarKernels;
import dev.arbor.scorer.ScoringContext;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** ONNX Runtime on the exported graph against Arbor's scorers and the literal model, for random weights. */
class OnnxOracleTest {

    static ModelArchitecture tdm(ModelKind kind) {
        return kind == ModelKind.ATTENTION_DNN ? ModelArchitecture.tdmAttentionDnn() : ModelArchitecture.tdmMlp();
    }

    static ModelArchitecture odd(ModelKind kind) {
        return new ModelArchitecture(kind, 5, new int[] {3, 1, 2}, kind == ModelKind.ATTENTION_DNN ? 7 : 0, new int[] {9, 3});
    }

    @ParameterizedTest
    @EnumSource(ModelKind.class)
    void matchesArborOnTdmShape(ModelKind kind) throws Exception {
        duel(tdm(kind), 300, 7, 1);
    }

    @ParameterizedTest
    @EnumSource(ModelKind.class)
    void matchesArborOnOddShapeWithTwoThreads(ModelKind kind) throws Exception {
        duel(odd(kind), 131, 11, 2);
    }

    /**
     * One user with empty slots (the whole first window and a quarter of the rest), batches of several
     * sizes through one scorer (so the candidate tensors are re-wrapped), all four scorers compared.
     */
    private void duel(ModelArchitecture arch, int nodeCount, long seed, int threads) throws Exception {
        ModelWeights weights = ModelWeights.gaussian(arch, 0.3, seed);
        Random r = new Random(seed + 1);
        int d = arch.embeddingDim(), slots = arch.historyLength();
        float[] emb = new float[nodeCount * d];
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (float) r.nextGaussian();
        }
        int[] history = new int[slots];
        float[][] historyVectors = new float[slots][];
        float[] historyRows = new float[slots * d], mask = new float[slots];
        for (int s = 0; s < slots; s++) {
            history[s] = s < arch.windowSizes()[0] || r.nextInt(4) == 0 ? -1 : r.nextInt(nodeCount);
            if (history[s] >= 0) {
                historyVectors[s] = row(emb, history[s], d);
                System.arraycopy(historyVectors[s], 0, historyRows, s * d, d);
                mask[s] = 1f;
            } else {
                Arrays.fill(historyRows, s * d, s * d + d, 1e3f); // an empty slot's row must not matter
            }
        }
        ReferenceScorer reference = new ReferenceScorer(weights);
        ModelTensors tensors = ModelTensors.of(weights);
        assertNotEquals("scalar", Kernels.best().name(), "the Vector API kernels must be the ones under test");
        List<Kernels> kernels = List.of(Kernels.best(), new ScalarKernels());
        try (OnnxScorer onnx = new OnnxScorer(tensors, threads)) {
            onnx.setHistory(historyRows, mask);
            for (int count : new int[] {1, nodeCount + 3, 37}) {
                int[] nodes = new int[count];
                float[] candidates = new float[count * d];
                for (int i = 0; i < count; i++) {
                    nodes[i] = r.nextInt(nodeCount);
                    System.arraycopy(emb, nodes[i] * d, candidates, i * d, d);
                }
                float[] ort = new float[count + 1];
                onnx.score(candidates, count, ort, 1);
                for (Kernels k : kernels) {
                    NodeScorer scorer = new NodeScorer(tensors, MemorySegment.ofArray(emb), k);
                    ScoringContext ctx = scorer.newUser();
                    scorer.prepare(ctx, history);
                    float[] arbor = new float[count];
                    scorer.score(ctx, nodes, 0, count, arbor, 0);
                    for (int i = 0; i < count; i++) {
                        assertClose(arbor[i], ort[i + 1], "ORT vs NodeScorer(" + k.name() + ") candidate " + i + " of " + count);
                    }
                }
                for (int i = 0; i < count; i++) {
                    double expected = reference.score(historyVectors, row(emb, nodes[i], d));
                    assertClose(expected, ort[i + 1], "ORT vs ReferenceScorer candidate " + i + " of " + count);
                }
            }
        }
    }

    @Test
    void declaresTheInputsAndOutputAndRoundTripsThroughAFile(@TempDir Path dir) throws Exception {
        ModelArchitecture arch = tdm(ModelKind.ATTENTION_DNN);
        Path file = dir.resolve("model.onnx");
        long size = OnnxExporter.write(ModelTensors.of(ModelWeights.gaussian(arch, 0.3, 3)), file);
        assertEquals(Files.size(file), size);
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(List.of("history float32 [69, 24]", "history_mask float32 [69]", "candidates float32 [C, 24]"),
                model.getGraph().getInputList().stream().map(OnnxExporter::describe).toList());
        assertEquals(List.of("scores float32 [C]"), model.getGraph().getOutputList().stream().map(OnnxExporter::describe).toList());
        assertEquals(13, model.getOpsetImport(0).getVersion());
    }

    @Test
    void rejectsBadShapes() throws Exception {
        ModelArchitecture arch = odd(ModelKind.MLP);
        try (OnnxScorer onnx = new OnnxScorer(ModelTensors.of(ModelWeights.gaussian(arch, 0.3, 5)), 1)) {
            assertThrows(IllegalArgumentException.class, () -> onnx.setHistory(new float[3], new float[6]));
            assertThrows(IllegalArgumentException.class, () -> onnx.score(new float[5], 2, new float[2], 0));
            assertThrows(IllegalArgumentException.class, () -> onnx.score(new float[5], 0, new float[2], 0));
        }
        assertThrows(IllegalArgumentException.class, () -> new OnnxScorer(ModelTensors.of(ModelWeights.gaussian(arch, 0.3, 5)), 0));
    }

    private static void assertClose(double expected, float actual, String message) {
        assertEquals(expected, actual, 1e-4 * Math.max(1, Math.abs(expected)), message);
    }

    private static float[] row(float[] emb, int node, int d) {
        return Arrays.copyOfRange(emb, node * d, node * d + d);
    }

}
