package dev.arbor.onnx;

import static dev.arbor.onnx.MoreOperators.EXPAND;
import static dev.arbor.onnx.MoreOperators.MATMUL;
import static dev.arbor.onnx.MoreOperators.MAX;
import static dev.arbor.onnx.MoreOperators.PRELU;
import static dev.arbor.onnx.MoreOperators.RESHAPE;
import static dev.arbor.onnx.MoreOperators.SHAPE;
import static org.tribuo.util.onnx.ONNXOperators.CONCAT;
import static org.tribuo.util.onnx.ONNXOperators.DIV;
import static org.tribuo.util.onnx.ONNXOperators.GATHER;
import static org.tribuo.util.onnx.ONNXOperators.GEMM;
import static org.tribuo.util.onnx.ONNXOperators.MUL;
import static org.tribuo.util.onnx.ONNXOperators.REDUCE_SUM;
import static org.tribuo.util.onnx.ONNXOperators.SUB;
import static org.tribuo.util.onnx.ONNXOperators.UNSQUEEZE;

import ai.onnx.proto.OnnxMl;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.TensorSpec;
import dev.arbor.scorer.ModelTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Writes an Arbor scoring model (either kind, any architecture) as an ONNX graph, built with Tribuo's
 * ONNX builder, that scores C candidates for one user.
 *
 * <p>Inputs: {@code history [T, d]} (slot 0 the oldest; the rows of empty slots may hold any finite values),
 * {@code history_mask [T]} (1 for a behaviour, 0 for an empty slot) and {@code candidates [C, d]} with
 * C dynamic. Output: {@code scores [C]}, {@code logit1 - logit0}.
 *
 * <p>The graph is {@link ModelArchitecture}'s model written literally, with none of {@code NodeScorer}'s
 * rearrangement: the activation unit runs on the concatenation {@code [b; b*n; n]} of every
 * (candidate, slot) pair, each window is a masked mean, and the pooled windows and the candidate are
 * concatenated into the MLP. Weights keep their on-disk layout ({@code W x + b} is a Gemm with transB).
 */
public final class OnnxExporter {
    public static final String HISTORY = "history";
    public static final String MASK = "history_mask";
    public static final String CANDIDATES = "candidates";
    public static final String SCORES = "scores";
    /** Name of the dynamic candidate dimension. */
    public static final String CANDIDATE_DIM = "C";
    /** ONNX IR version 7 is the one that goes with opset 13, the opset of Tribuo's operators. */
    private static final long IR_VERSION = 7;

    private OnnxExporter() {
    }

    public static OnnxMl.ModelProto export(ModelTensors model) {
        ModelArchitecture arch = model.architecture();
        int d = arch.embeddingDim(), slots = arch.historyLength(), windows = arch.windowCount();
        Graph g = new Graph(model);
        ONNXPlaceholder history = g.ctx.floatInput(HISTORY, d);
        ONNXPlaceholder mask = g.ctx.floatInput(MASK, 1);
        ONNXPlaceholder candidates = g.ctx.floatInput(CANDIDATES, d);
        ONNXPlaceholder scores = g.ctx.floatOutput(SCORES, 1);
        ONNXInitializer axis0 = g.longs("axis_0", 0), axis1 = g.longs("axis_1", 1);

        // All window means as one [W, T] matrix: slot t weighs mask_t / (non-empty slots of window j) in its
        // window j and 0 elsewhere; max(count, 1) makes an empty window pool zeros, as the model says.
        float[] membership = membership(arch);
        ONNXInitializer inWindow = g.ctx.floatTensor("window_membership", List.of(windows, slots), b -> b.put(membership));
        ONNXNode masked = g.op(MUL, "masked_membership", inWindow, mask);
        ONNXNode counts = g.op(REDUCE_SUM, "window_counts", Map.of("keepdims", 1), masked, axis1);
        ONNXNode pooling = g.op(DIV, "pooling", masked, g.op(MAX, "window_divisors", counts, g.ctx.constant("one", 1f)));

        ONNXNode pooled; // [C, W*d]
        if (arch.hasAttention()) {
            ONNXNode b = g.op(UNSQUEEZE, "b", history, axis0); // [1, T, d]
            ONNXNode n = g.op(UNSQUEEZE, "n", candidates, axis1); // [C, 1, d]
            ONNXNode bn = g.op(MUL, "b_times_n", b, n); // [C, T, d]
            ONNXNode pairs = g.op(SHAPE, "pair_shape", bn);
            ONNXNode unitInput = g.op(CONCAT, "unit_input", Map.of("axis", 2), g.op(EXPAND, "b_pairs", b, pairs), bn,
                    g.op(EXPAND, "n_pairs", n, pairs)); // [C, T, 3d]
            ONNXNode rows = g.op(RESHAPE, "unit_rows", unitInput, g.longs("unit_rows_shape", -1, 3L * d)); // [C*T, 3d]
            ONNXNode hidden = g.op(PRELU, "unit_hidden", g.dense("unit_linear", rows, "att.w1", "att.b1"),
                    g.vector("att.alpha"));
            ONNXNode activation = g.op(RESHAPE, "activation", g.dense("unit_out", hidden, "att.w2", "att.b2"),
                    g.longs("activation_shape", -1, slots, 1)); // [C, T, 1]
            ONNXNode weighted = g.op(MUL, "weighted_history", activation, b); // [C, T, d]
            ONNXNode means = g.op(MATMUL, "window_means", pooling, weighted); // [C, W, d]
            pooled = g.op(RESHAPE, "pooled", means, g.longs("pooled_shape", -1, (long) windows * d));
        } else {
            ONNXNode means = g.op(MATMUL, "window_means", pooling, history); // [W, d], the same for every candidate
            ONNXNode row = g.op(RESHAPE, "pooled_row", means, g.longs("pooled_row_shape", 1, (long) windows * d));
            ONNXNode count = g.op(GATHER, "candidate_count", Map.of("axis", 0), g.op(SHAPE, "candidate_shape", candidates),
                    axis0);
            ONNXNode shape = g.op(CONCAT, "pooled_shape", Map.of("axis", 0), count, g.longs("pooled_width", (long) windows * d));
            pooled = g.op(EXPAND, "pooled", row, shape);
        }
        ONNXNode x = g.op(CONCAT, "mlp_input", Map.of("axis", 1), pooled, candidates);
        for (int i = 0; i < arch.mlpHidden().length; i++) {
            String layer = "mlp" + i;
            x = g.op(PRELU, layer, g.dense(layer + "_linear", x, layer + ".w", layer + ".b"), g.vector(layer + ".alpha"));
        }
        ONNXNode logits = g.dense("logits", x, "out.w", "out.b"); // [C, 2]
        ONNXNode logit1 = g.op(GATHER, "logit1", Map.of("axis", 1), logits, g.ctx.constant("index_1", 1L));
        ONNXNode logit0 = g.op(GATHER, "logit0", Map.of("axis", 1), logits, g.ctx.constant("index_0", 0L));
        g.op(SUB, "score", logit1, logit0).assignTo(scores);

        // Tribuo's placeholders are all [batch, k]; declare the real shapes so ONNX Runtime checks inputs.
        OnnxMl.GraphProto graph = g.ctx.buildGraph().toBuilder().clearInput().clearOutput()
                .addInput(floatValue(HISTORY, slots, d))
                .addInput(floatValue(MASK, slots))
                .addInput(floatValue(CANDIDATES, CANDIDATE_DIM, d))
                .addOutput(floatValue(SCORES, CANDIDATE_DIM))
                .setDocString("Arbor " + arch + ": scores of C candidates for one user, logit1 - logit0")
                .build();
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("arbor")
                .setDomain("dev.arbor")
                .setModelVersion(1)
                .setDocString(arch.toString())
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey("arbor.architecture").setValue(arch.toString()))
                .setGraph(graph)
                .build();
    }

    /** The serialised model, ready for {@code OrtEnvironment.createSession(byte[], ...)}. */
    public static byte[] toBytes(ModelTensors model) {
        return export(model).toByteArray();
    }

    /** Writes the model to {@code file} and returns its size in bytes. */
    public static long write(ModelTensors model, Path file) throws IOException {
        byte[] bytes = toBytes(model);
        Files.write(file, bytes);
        return bytes.length;
    }

    /** A graph input or output as {@code name float32 [dims]}, dynamic dimensions by name. */
    public static String describe(OnnxMl.ValueInfoProto value) {
        String dims = value.getType().getTensorType().getShape().getDimList().stream()
                .map(dim -> dim.hasDimParam() ? dim.getDimParam() : Long.toString(dim.getDimValue()))
                .collect(Collectors.joining(", ", "[", "]"));
        int type = value.getType().getTensorType().getElemType();
        String typeName = type == OnnxMl.TensorProto.DataType.FLOAT.getNumber() ? "float32"
                : OnnxMl.TensorProto.DataType.forNumber(type).name().toLowerCase(Locale.ROOT);
        return value.getName() + " " + typeName + " " + dims;
    }

    private static float[] membership(ModelArchitecture arch) {
        int slots = arch.historyLength();
        int[] windowOf = arch.windowOfSlot();
        float[] m = new float[arch.windowCount() * slots];
        for (int t = 0; t < slots; t++) {
            m[windowOf[t] * slots + t] = 1f;
        }
        return m;
    }

    private static OnnxMl.ValueInfoProto floatValue(String name, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder b = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (dim instanceof Integer size) {
                b.setDimValue(size);
            } else {
                b.setDimParam((String) dim);
            }
            shape.addDim(b);
        }
        OnnxMl.TypeProto.Tensor tensor = OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    /** The Tribuo context plus the model whose tensors become initializers. */
    private static final class Graph {
        final ONNXContext ctx = new ONNXContext();
        final ModelTensors model;

        Graph(ModelTensors model) {
            this.model = model;
            ctx.setName("arbor_" + model.architecture().kind().name().toLowerCase(Locale.ROOT));
        }

        ONNXNode op(ONNXOperator op, String name, ONNXRef<?>... inputs) {
            return op(op, name, Map.of(), inputs);
        }

        ONNXNode op(ONNXOperator op, String name, Map<String, Object> attributes, ONNXRef<?>... inputs) {
            return ctx.operation(op, Arrays.asList(inputs), name, attributes);
        }

        /** {@code W x + b} for a batch of rows x, with W as stored ({@code [out x in]}). */
        ONNXNode dense(String name, ONNXRef<?> x, String weight, String bias) {
            return op(GEMM, name, Map.of("transB", 1), x, tensor(weight, true), tensor(bias, false));
        }

        ONNXInitializer vector(String name) {
            return tensor(name, false);
        }

        ONNXInitializer longs(String name, long... values) {
            return ctx.array(name, values);
        }

        private ONNXInitializer tensor(String name, boolean matrix) {
            ModelArchitecture arch = model.architecture();
            TensorSpec spec = arch.tensors().get(arch.tensorIndex(name));
            float[] values = model.array(name);
            List<Integer> dims = matrix ? List.of(spec.rows(), spec.cols()) : List.of(spec.size());
            return ctx.floatTensor(name, dims, b -> b.put(values));
        }
    }
}
