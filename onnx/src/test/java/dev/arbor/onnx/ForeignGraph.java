package dev.arbor.onnx;

import ai.onnx.proto.OnnxMl;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelWeights;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Writes an Arbor model as ONNX the way another framework might, with the proto builders alone: its own input,
 * node and initializer names, inputs in another order, nodes in a shuffled order, its own layer forms and its own
 * order of concatenated parts. The function is the model's, so an importer that reads it right gets the model back.
 */
final class ForeignGraph {
    enum Dense { GEMM_TRANS_B, GEMM, MATMUL_ADD }

    /**
     * @param dense           how every dense layer is written
     * @param relu            Relu instead of PRelu in the MLP (the weights' slopes must then be 0)
     * @param candidatesFirst the MLP reads [n; pooled] instead of [pooled; n]
     * @param unitOrder       the activation unit's parts, as indexes into Arbor's [b; b*n; n]
     * @param oneWideOutput   the score is a 1-wide layer with the logit difference's weights
     * @param swapColumns     the 2-wide output stores logit1 in column 0 and subtracts column 1
     * @param reverseWindows  pools slot t as if it were slot T-1-t: a different model, for the refusal test
     */
    record Style(Dense dense, boolean relu, boolean candidatesFirst, int[] unitOrder, boolean oneWideOutput,
                 boolean swapColumns, boolean reverseWindows) {
        static Style plain(Dense dense) {
            return new Style(dense, false, false, new int[] {0, 1, 2}, false, false, false);
        }
    }

    static final String HISTORY = "behaviour_seq", MASK = "seq_valid", CANDIDATES = "item_emb", SCORES = "ctr_logit";

    private final List<OnnxMl.NodeProto> nodes = new ArrayList<>();
    private final List<OnnxMl.TensorProto> initializers = new ArrayList<>();
    private final Style style;
    private int counter;

    private ForeignGraph(Style style) {
        this.style = style;
    }

    static OnnxMl.ModelProto write(ModelWeights weights, Style style, long shuffleSeed) {
        return new ForeignGraph(style).build(weights, shuffleSeed);
    }

    private OnnxMl.ModelProto build(ModelWeights weights, long shuffleSeed) {
        ModelArchitecture arch = weights.architecture();
        int d = arch.embeddingDim(), slots = arch.historyLength(), windows = arch.windowCount();
        float[] membership = new float[windows * slots];
        int[] windowOf = arch.windowOfSlot();
        for (int t = 0; t < slots; t++) {
            membership[windowOf[style.reverseWindows() ? slots - 1 - t : t] * slots + t] = 1f;
        }
        String maskRow = op("Unsqueeze", MASK, longs(0));
        String masked = op("Mul", floats(membership, windows, slots), maskRow);
        String counts = op("ReduceSum", List.of(masked, longs(1)), attr("keepdims", 1));
        String pooling = op("Div", masked, op("Max", counts, floats(new float[] {1f}, 1)));
        String pooled;
        if (arch.hasAttention()) {
            String b = op("Unsqueeze", HISTORY, longs(0)), n = op("Unsqueeze", CANDIDATES, longs(1));
            String bn = op("Mul", n, b);
            String pairs = op("Shape", bn);
            String[] parts = {op("Expand", b, pairs), bn, op("Expand", n, pairs)};
            List<String> ordered = new ArrayList<>();
            for (int role : style.unitOrder()) {
                ordered.add(parts[role]);
            }
            String unitInput = op("Concat", ordered, attr("axis", -1));
            float[] w1 = permuteColumns(weights.tensor("att.w1"), arch.attentionHidden(), d, style.unitOrder());
            String rows = style.dense() == Dense.MATMUL_ADD ? unitInput : op("Reshape", unitInput, longs(-1, 3L * d));
            String hidden = op("PRelu", dense(rows, w1, weights.tensor("att.b1"), arch.attentionHidden(), 3 * d),
                    floats(weights.tensor("att.alpha"), arch.attentionHidden()));
            String unit = dense(hidden, weights.tensor("att.w2"), weights.tensor("att.b2"), 1, arch.attentionHidden());
            String activation = op("Reshape", unit, longs(-1, slots, 1));
            String means = op("MatMul", pooling, op("Mul", b, activation));
            pooled = op("Reshape", means, longs(-1, (long) windows * d));
        } else {
            String row = op("Reshape", op("MatMul", pooling, HISTORY), longs(1, (long) windows * d));
            String count = op("Gather", op("Shape", CANDIDATES), longs(0));
            pooled = op("Expand", row, op("Concat", List.of(count, longs((long) windows * d)), attr("axis", 0)));
        }
        String x = op("Concat", style.candidatesFirst() ? List.of(CANDIDATES, pooled) : List.of(pooled, CANDIDATES),
                attr("axis", 1));
        int in = arch.mlpInput();
        for (int i = 0; i < arch.mlpHidden().length; i++) {
            int h = arch.mlpHidden()[i];
            float[] w = weights.tensor("mlp" + i + ".w");
            if (i == 0 && style.candidatesFirst()) {
                w = candidatesFirst(w, h, in, d);
            }
            String z = dense(x, w, weights.tensor("mlp" + i + ".b"), h, in);
            x = style.relu() ? op("Relu", z) : op("PRelu", z, floats(weights.tensor("mlp" + i + ".alpha"), h));
            in = h;
        }
        float[] outW = weights.tensor("out.w"), outB = weights.tensor("out.b");
        if (style.oneWideOutput()) {
            float[] w = new float[in];
            for (int j = 0; j < in; j++) {
                w[j] = outW[in + j] - outW[j];
            }
            op("Reshape", List.of(dense(x, w, new float[] {outB[1] - outB[0]}, 1, in), longs(-1)), List.of(), SCORES);
        } else {
            float[] w = outW.clone(), bias = outB.clone();
            if (style.swapColumns()) {
                System.arraycopy(outW, in, w, 0, in);
                System.arraycopy(outW, 0, w, in, in);
                bias = new float[] {outB[1], outB[0]};
            }
            String logits = dense(x, w, bias, 2, in);
            int positive = style.swapColumns() ? 0 : 1;
            String one = op("Gather", List.of(logits, scalar(positive)), attr("axis", 1));
            String other = op("Gather", List.of(logits, scalar(1 - positive)), attr("axis", 1));
            op("Sub", List.of(one, other), List.of(), SCORES);
        }
        List<OnnxMl.NodeProto> order = new ArrayList<>(nodes);
        Collections.shuffle(order, new Random(shuffleSeed));
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("torch_jit")
                .addInput(value(CANDIDATES, "batch", d)).addInput(value(MASK, slots)).addInput(value(HISTORY, slots, d))
                .addOutput(value(SCORES, "batch"))
                .addAllNode(order).addAllInitializer(initializers).build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(7).setProducerName("pytorch").setProducerVersion("2.3.0")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph).build();
    }

    /** {@code W x + b} for Arbor's {@code w [out x in]}, in the style's form. */
    private String dense(String x, float[] w, float[] b, int out, int in) {
        String bias = floats(b, out);
        return switch (style.dense()) {
            case GEMM_TRANS_B -> op("Gemm", List.of(x, floats(w, out, in), bias), attr("transB", 1));
            case GEMM -> op("Gemm", x, floats(transpose(w, out, in), in, out), bias);
            case MATMUL_ADD -> op("Add", bias, op("MatMul", x, floats(transpose(w, out, in), in, out)));
        };
    }

    private String op(String type, String... inputs) {
        return op(type, List.of(inputs), List.of());
    }

    private String op(String type, List<String> inputs, OnnxMl.AttributeProto attribute) {
        return op(type, inputs, List.of(attribute));
    }

    private String op(String type, List<String> inputs, List<OnnxMl.AttributeProto> attributes) {
        return op(type, inputs, attributes, "/model/" + type + "_" + counter + "_output_0");
    }

    private String op(String type, List<String> inputs, List<OnnxMl.AttributeProto> attributes, String output) {
        nodes.add(OnnxMl.NodeProto.newBuilder().setName("/model/" + type + "_" + counter++).setOpType(type)
                .addAllInput(inputs).addOutput(output).addAllAttribute(attributes).build());
        return output;
    }

    private String floats(float[] values, int... dims) {
        String name = "onnx::Param_" + counter++;
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
        for (int dim : dims) {
            t.addDims(dim);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        initializers.add(t.build());
        return name;
    }

    private String longs(long... values) {
        return ints(new long[] {values.length}, values);
    }

    private String scalar(long value) {
        return ints(new long[0], new long[] {value});
    }

    private String ints(long[] dims, long[] values) {
        String name = "onnx::Const_" + counter++;
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber());
        for (long dim : dims) {
            t.addDims(dim);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        initializers.add(t.build());
        return name;
    }

    private static OnnxMl.AttributeProto attr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    static OnnxMl.ValueInfoProto value(String name, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            shape.addDim(dim instanceof Integer size ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(size)
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam((String) dim));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape))).build();
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    /** Arbor's [b; b*n; n] column blocks of each row, rearranged so block k is Arbor's block {@code order[k]}. */
    private static float[] permuteColumns(float[] w, int rows, int d, int[] order) {
        float[] p = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < 3; k++) {
                System.arraycopy(w, r * 3 * d + order[k] * d, p, r * 3 * d + k * d, d);
            }
        }
        return p;
    }

    /** The first layer's columns as [n; pooled]. */
    private static float[] candidatesFirst(float[] w, int rows, int in, int d) {
        float[] p = new float[w.length];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(w, r * in + in - d, p, r * in, d);
            System.arraycopy(w, r * in, p, r * in + d, in - d);
        }
        return p;
    }
}
