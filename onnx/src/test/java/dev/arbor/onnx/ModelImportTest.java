package dev.arbor.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.ModelWeights;
import dev.arbor.format.TensorSpec;
import dev.arbor.format.TreeIndex;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.scorer.ModelTensors;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code import-onnx} end to end: a small synthetic index is published, a model is written as ONNX (by Arbor's
 * exporter, or as another framework might write it), imported, and the live segment must then hold exactly that
 * model, the same tree and embeddings, the import's provenance, and score as ONNX Runtime does.
 */
class ModelImportTest {
    private static final ScoreCheck.Size CHECK = new ScoreCheck.Size(20, 33);

    @TempDir
    Path dir;

    static ModelArchitecture small(ModelKind kind) {
        return new ModelArchitecture(kind, 6, new int[] {3, 1, 2}, kind == ModelKind.ATTENTION_DNN ? 5 : 0, new int[] {7, 4});
    }

    @ParameterizedTest
    @EnumSource(ModelKind.class)
    void arborsOwnExportWithOtherWeightsComesBackExactly(ModelKind kind) throws Exception {
        Path index = publish(small(kind));
        ModelWeights perturbed = ModelWeights.gaussian(small(kind), 0.4, 77);
        Path file = dir.resolve("model.onnx");
        OnnxExporter.write(ModelTensors.of(perturbed), file);
        TreeIndex before = live(index);

        ModelImport.Outcome outcome = ModelImport.run(file, index, CHECK, 3);

        assertTrue(outcome.maxRelDiff() < 1e-4, "largest relative difference " + outcome.maxRelDiff());
        assertEquals(index.resolve("seg-2"), outcome.segment());
        TreeIndex after = live(index);
        assertSameTensors(perturbed, after.model());
        assertArrayEquals(before.nodeEmbeddings(), after.nodeEmbeddings());
        assertArrayEquals(before.itemIds(), after.itemIds());
        assertArrayEquals(before.itemToLeaf(), after.itemToLeaf());
        assertArrayEquals(before.itemCategories(), after.itemCategories());
        assertEquals(before.categoryNames(), after.categoryNames());
        Map<String, String> props = after.metadata();
        assertEquals("synthetic", props.get("source"), "the old segment's properties are kept");
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))),
                props.get("import.onnx.sha256"));
        assertEquals(file.toAbsolutePath().normalize().toString(), props.get("import.onnx.file"));
        assertEquals("1", props.get("import.previousGeneration"));
        assertTrue(props.get("import.onnx.producer").startsWith("arbor"), props.toString());
    }

    static Stream<Arguments> foreignStyles() {
        return Stream.of(
                Arguments.of(ModelKind.MLP, new ForeignGraph.Style(ForeignGraph.Dense.GEMM, true, true,
                        new int[] {0, 1, 2}, true, false, false)),
                Arguments.of(ModelKind.MLP, new ForeignGraph.Style(ForeignGraph.Dense.MATMUL_ADD, false, false,
                        new int[] {0, 1, 2}, false, true, false)),
                Arguments.of(ModelKind.ATTENTION_DNN, new ForeignGraph.Style(ForeignGraph.Dense.MATMUL_ADD, false, false,
                        new int[] {2, 0, 1}, false, true, false)),
                Arguments.of(ModelKind.ATTENTION_DNN, new ForeignGraph.Style(ForeignGraph.Dense.GEMM_TRANS_B, true, true,
                        new int[] {1, 2, 0}, true, false, false)),
                Arguments.of(ModelKind.ATTENTION_DNN, new ForeignGraph.Style(ForeignGraph.Dense.GEMM, false, true,
                        new int[] {0, 1, 2}, false, false, false)));
    }

    /** Other names, input order, node order (shuffled), layer forms and concatenation orders; the same model. */
    @ParameterizedTest
    @MethodSource("foreignStyles")
    void foreignGraphsAreReadByStructure(ModelKind kind, ForeignGraph.Style style) throws Exception {
        Path index = publish(small(ModelKind.MLP)); // the kind may change: the index fixes the dimensions, not the model
        ModelWeights weights = ModelWeights.gaussian(small(kind), 0.4, 78);
        if (style.relu()) {
            for (int i = 0; i < small(kind).mlpHidden().length; i++) {
                Arrays.fill(weights.tensor("mlp" + i + ".alpha"), 0f);
            }
        }
        Path file = write(ForeignGraph.write(weights, style, 5));

        ModelImport.Outcome outcome = ModelImport.run(file, index, CHECK, 4);

        assertTrue(outcome.maxRelDiff() < 1e-4, "largest relative difference " + outcome.maxRelDiff());
        ModelWeights imported = live(index).model();
        assertEquals(small(kind), imported.architecture());
        for (TensorSpec spec : small(kind).tensors()) {
            if (!spec.name().startsWith("out.") || !style.oneWideOutput()) {
                assertArrayEquals(weights.tensor(spec.name()), imported.tensor(spec.name()), spec.name());
            }
        }
        if (style.oneWideOutput()) { // only the logit difference is in the graph
            float[] expected = weights.tensor("out.w"), actual = imported.tensor("out.w");
            int h = expected.length / 2;
            for (int j = 0; j < h; j++) {
                assertEquals(expected[h + j] - expected[j], actual[h + j] - actual[j], 1e-6);
            }
        }
    }

    @Test
    void aGraphThatPoolsOtherwiseIsRefusedAndNothingIsPublished() throws Exception {
        Path index = publish(small(ModelKind.ATTENTION_DNN));
        ForeignGraph.Style reversed = new ForeignGraph.Style(ForeignGraph.Dense.GEMM_TRANS_B, false, false,
                new int[] {0, 1, 2}, false, false, true);
        Path file = write(ForeignGraph.write(ModelWeights.gaussian(small(ModelKind.ATTENTION_DNN), 0.4, 79), reversed, 6));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelImport.run(file, index, CHECK, 5));
        assertTrue(e.getMessage().contains("differ from ONNX Runtime's") && e.getMessage().contains("nothing was published"),
                e.getMessage());
        assertEquals(1, IndexDirectory.readCommit(index).generation());
    }

    @Test
    void anUnsupportedOperatorIsNamedWithItsNode() throws Exception {
        Path index = publish(small(ModelKind.MLP));
        OnnxMl.ModelProto model = OnnxExporter.export(ModelTensors.of(ModelWeights.gaussian(small(ModelKind.MLP), 0.4, 80)));
        OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
        graph.addNode(3, OnnxMl.NodeProto.newBuilder().setName("probabilities").setOpType("Softmax")
                .addInput(OnnxExporter.CANDIDATES).addOutput("p"));
        String message = refusal(model.toBuilder().setGraph(graph).build(), index);
        assertTrue(message.contains("node 3 \"probabilities\" (Softmax): unsupported operator"), message);
    }

    @Test
    void dimensionsThatDisagreeWithTheIndexAreNamed() throws Exception {
        Path index = publish(small(ModelKind.MLP));
        ModelArchitecture otherDim = new ModelArchitecture(ModelKind.MLP, 5, new int[] {3, 1, 2}, 0, new int[] {7, 4});
        String message = refusal(OnnxExporter.export(ModelTensors.of(ModelWeights.gaussian(otherDim, 0.4, 81))), index);
        assertTrue(message.contains("input \"history\" (the history) is float32 [6, 5], but the index's model reads [6, 6]"),
                message);

        // Same history length and dimension, other windows: the first layer is too narrow for the index's pooling.
        ModelArchitecture otherWindows = new ModelArchitecture(ModelKind.MLP, 6, new int[] {3, 3}, 0, new int[] {7, 4});
        message = refusal(OnnxExporter.export(ModelTensors.of(ModelWeights.gaussian(otherWindows, 0.4, 82))), index);
        assertTrue(message.contains("(Gemm): the first hidden layer reads 18 columns, but the index's"
                + " model pools 3 windows of dimension 6 beside the candidate: 3 x 6 + 6 = 24"), message);
    }

    @Test
    void aMissingInputIsNamed() throws Exception {
        Path index = publish(small(ModelKind.ATTENTION_DNN));
        OnnxMl.ModelProto model = OnnxExporter.export(ModelTensors.of(ModelWeights.gaussian(small(ModelKind.ATTENTION_DNN),
                0.4, 83)));
        OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
        graph.removeInput(1); // the mask
        String message = refusal(model.toBuilder().setGraph(graph).build(), index);
        assertTrue(message.contains("(Mul): input \"history_mask\" is neither a graph input, an initializer nor another"
                + " node's output"), message);

        OnnxMl.GraphProto.Builder twoInputs = ForeignGraph.write(ModelWeights.gaussian(small(ModelKind.MLP), 0.4, 84),
                ForeignGraph.Style.plain(ForeignGraph.Dense.GEMM), 7).getGraph().toBuilder();
        twoInputs.removeInput(1).addInitializer(OnnxMl.TensorProto.newBuilder()
                .setName(ForeignGraph.MASK).setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).addDims(6)
                .addAllFloatData(List.of(1f, 1f, 1f, 1f, 1f, 1f)));
        message = refusal(model.toBuilder().setGraph(twoInputs).build(), index);
        assertTrue(message.contains("the graph has 2 inputs (item_emb float32 [batch, 6], behaviour_seq float32 [6, 6])"),
                message);
    }

    @Test
    void aFileThatIsNotOnnxIsRefused() throws Exception {
        Path index = publish(small(ModelKind.MLP));
        Path junk = dir.resolve("junk.onnx");
        Files.write(junk, new byte[] {(byte) 0xff, 0x13, 0x07});
        String message = assertThrows(IllegalArgumentException.class, () -> ModelImport.run(junk, index, CHECK, 1))
                .getMessage();
        assertTrue(message.startsWith(junk + ": not an ONNX model"), message);
    }

    private String refusal(OnnxMl.ModelProto model, Path index) throws Exception {
        Path file = write(model);
        String message = assertThrows(IllegalArgumentException.class, () -> ModelImport.run(file, index, CHECK, 1))
                .getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        assertEquals(1, IndexDirectory.readCommit(index).generation(), "nothing is published");
        return message;
    }

    private Path publish(ModelArchitecture arch) throws Exception {
        Path index = Files.createTempDirectory(dir, "index");
        SegmentWriter.write(index, SyntheticIndex.generate(300, 3, arch, 11));
        return index;
    }

    private Path write(OnnxMl.ModelProto model) throws Exception {
        Path file = Files.createTempFile(dir, "model", ".onnx");
        Files.write(file, model.toByteArray());
        return file;
    }

    private static TreeIndex live(Path index) throws Exception {
        try (TreeSegment segment = IndexDirectory.openLatest(index)) {
            return segment.toTreeIndex();
        }
    }

    private static void assertSameTensors(ModelWeights expected, ModelWeights actual) {
        assertEquals(expected.architecture(), actual.architecture());
        for (TensorSpec spec : expected.architecture().tensors()) {
            assertArrayEquals(expected.tensor(spec.name()), actual.tensor(spec.name()), spec.name());
        }
    }
}
