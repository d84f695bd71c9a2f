package dev.arbor.onnx;

import ai.onnx.proto.OnnxMl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A read ONNX graph as the importer walks it: the node that produces each value, the values each node's output
 * feeds, the constant tensors (initializers and {@code Constant} nodes), the real inputs, and which of those inputs
 * each value depends on. Reading it checks what holds for any graph the importer accepts: every operator is one it
 * knows, in the default domain, and every node input is a graph input, a constant or another node's output; the
 * errors name the node.
 */
final class OnnxGraph {
    /**
     * The operators the importer reads. The dense layers, activations and the output's {@code Sub} and {@code Gather}
     * carry the weights; the others only shape and pool the inputs, which the score check against ONNX Runtime
     * then holds to the model's pooling.
     */
    static final Set<String> SUPPORTED = Set.of("Gemm", "MatMul", "Add", "PRelu", "Relu", "LeakyRelu", "Sub", "Mul",
            "Div", "Max", "Concat", "Reshape", "Expand", "Shape", "Gather", "Unsqueeze", "Squeeze", "Flatten", "ReduceSum",
            "ReduceMean", "Identity", "Constant", "Cast", "Transpose", "Slice", "Clip");

    /** One node and its position in the file's node list. */
    record Node(int index, OnnxMl.NodeProto proto) {
        String op() {
            return proto.getOpType();
        }

        String input(int i) {
            return i < proto.getInputCount() ? proto.getInput(i) : "";
        }

        String output() {
            return proto.getOutput(0);
        }

        long intAttribute(String name, long otherwise) {
            for (OnnxMl.AttributeProto a : proto.getAttributeList()) {
                if (a.getName().equals(name)) {
                    return a.getI();
                }
            }
            return otherwise;
        }

        float floatAttribute(String name, float otherwise) {
            for (OnnxMl.AttributeProto a : proto.getAttributeList()) {
                if (a.getName().equals(name)) {
                    return a.getF();
                }
            }
            return otherwise;
        }

        /** {@code node 12 "mlp0_linear" (Gemm)}, for errors. */
        @Override
        public String toString() {
            return "node " + index + " \"" + proto.getName() + "\" (" + op() + ")";
        }
    }

    private final List<OnnxMl.ValueInfoProto> inputs = new ArrayList<>();
    private final Map<String, Integer> inputIndex = new HashMap<>();
    private final Map<String, OnnxMl.TensorProto> constants = new HashMap<>();
    private final Map<String, Node> producers = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();
    private final Map<String, Integer> dependencies = new HashMap<>();

    OnnxGraph(OnnxMl.GraphProto graph) {
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            constants.put(t.getName(), t);
        }
        for (OnnxMl.ValueInfoProto input : graph.getInputList()) {
            if (!constants.containsKey(input.getName())) { // older exporters list initializers as inputs too
                inputIndex.put(input.getName(), inputs.size());
                inputs.add(input);
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            Node node = new Node(i, graph.getNode(i));
            nodes.add(node);
            if (!SUPPORTED.contains(node.op()) || !(node.proto().getDomain().isEmpty()
                    || node.proto().getDomain().equals("ai.onnx"))) {
                throw new IllegalArgumentException(node + ": unsupported operator" + (node.proto().getDomain().isEmpty() ? ""
                        : " in domain " + node.proto().getDomain()) + "; the importer reads " + String.join(", ",
                        SUPPORTED.stream().sorted().toList()));
            }
            if (node.proto().getOutputCount() < 1) {
                throw new IllegalArgumentException(node + ": has no output");
            }
            for (String output : node.proto().getOutputList()) {
                producers.put(output, node);
            }
            if (node.op().equals("Constant")) {
                constants.put(node.output(), constantValue(node));
            }
        }
        for (Node node : nodes) {
            for (String input : node.proto().getInputList()) {
                if (input.isEmpty()) {
                    continue; // an optional input left out
                }
                if (!inputIndex.containsKey(input) && !constants.containsKey(input) && !producers.containsKey(input)) {
                    throw new IllegalArgumentException(node + ": input \"" + input
                            + "\" is neither a graph input, an initializer nor another node's output");
                }
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
            }
        }
    }

    List<OnnxMl.ValueInfoProto> inputs() {
        return inputs;
    }

    /** The node that computes {@code value}, or null for an input or initializer. */
    Node producer(String value) {
        return producers.get(value);
    }

    /** The nodes that read {@code value}. */
    List<Node> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /** {@code value} with any {@code Identity} nodes before it skipped. */
    String throughIdentity(String value) {
        Node p = producers.get(value);
        while (p != null && p.op().equals("Identity")) {
            value = p.input(0);
            p = producers.get(value);
        }
        return value;
    }

    /** The producer of {@code value} once identities are skipped, or null. */
    Node source(String value) {
        return producers.get(throughIdentity(value));
    }

    boolean isConstant(String value) {
        return constants.containsKey(throughIdentity(value));
    }

    /** Index in {@link #inputs()} of the graph input {@code value} is (through identities), or -1. */
    int inputOf(String value) {
        return inputIndex.getOrDefault(throughIdentity(value), -1);
    }

    /** The constant's dimensions. */
    int[] dims(String value) {
        List<Long> dims = constant(value).getDimsList();
        int[] d = new int[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.toIntExact(dims.get(i));
        }
        return d;
    }

    /** The constant's values as floats; float and double tensors only. */
    float[] floats(String value) {
        OnnxMl.TensorProto t = constant(value);
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int type = t.getDataType();
        if (type == OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
            if (raw.hasRemaining()) {
                float[] f = new float[raw.remaining() / Float.BYTES];
                raw.asFloatBuffer().get(f);
                return f;
            }
            float[] f = new float[t.getFloatDataCount()];
            for (int i = 0; i < f.length; i++) {
                f[i] = t.getFloatData(i);
            }
            return f;
        }
        if (type == OnnxMl.TensorProto.DataType.DOUBLE.getNumber()) {
            int n = raw.hasRemaining() ? raw.remaining() / Double.BYTES : t.getDoubleDataCount();
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) (raw.hasRemaining() ? raw.getDouble(i * Double.BYTES) : t.getDoubleData(i));
            }
            return f;
        }
        throw new IllegalArgumentException("tensor \"" + t.getName() + "\" holds "
                + OnnxMl.TensorProto.DataType.forNumber(type) + ", where a float weight was expected");
    }

    /** The constant's values as longs; int64 and int32 tensors only. */
    long[] longs(String value) {
        OnnxMl.TensorProto t = constant(value);
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int type = t.getDataType();
        if (type == OnnxMl.TensorProto.DataType.INT64.getNumber()) {
            int n = raw.hasRemaining() ? raw.remaining() / Long.BYTES : t.getInt64DataCount();
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = raw.hasRemaining() ? raw.getLong(i * Long.BYTES) : t.getInt64Data(i);
            }
            return v;
        }
        if (type == OnnxMl.TensorProto.DataType.INT32.getNumber()) {
            int n = raw.hasRemaining() ? raw.remaining() / Integer.BYTES : t.getInt32DataCount();
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = raw.hasRemaining() ? raw.getInt(i * Integer.BYTES) : t.getInt32Data(i);
            }
            return v;
        }
        throw new IllegalArgumentException("tensor \"" + t.getName() + "\" holds "
                + OnnxMl.TensorProto.DataType.forNumber(type) + ", where integer indices were expected");
    }

    private OnnxMl.TensorProto constant(String value) {
        OnnxMl.TensorProto t = constants.get(throughIdentity(value));
        if (t == null) {
            throw new IllegalStateException("\"" + value + "\" is not a constant");
        }
        if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException("tensor \"" + t.getName()
                    + "\" is stored in an external data file; save the model with its weights inside the .onnx file");
        }
        return t;
    }

    /**
     * The graph inputs whose values {@code value} depends on, as bits of their indexes in {@link #inputs()}. A
     * {@code Shape} passes on no values, only sizes: {@code Expand(n, Shape(b*n))} depends on the candidates alone.
     * Walked from the producers, so it holds whatever order the nodes are listed in.
     */
    int dependsOn(String value) {
        Integer known = dependencies.get(value);
        if (known != null) {
            if (known < 0) {
                throw new IllegalArgumentException("value \"" + value + "\" depends on itself: the graph has a cycle");
            }
            return known;
        }
        int bits = 0;
        if (inputIndex.containsKey(value)) {
            bits = 1 << inputIndex.get(value);
        } else if (producers.containsKey(value) && !producers.get(value).op().equals("Shape")) {
            dependencies.put(value, -1);
            for (String input : producers.get(value).proto().getInputList()) {
                if (!input.isEmpty()) {
                    bits |= dependsOn(input);
                }
            }
        }
        dependencies.put(value, bits);
        return bits;
    }

    /** The nodes {@code value} is computed from, itself included, found by walking back through their inputs. */
    List<Node> ancestors(String value) {
        List<Node> found = new ArrayList<>();
        ArrayList<String> pending = new ArrayList<>(List.of(value));
        Set<Integer> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            Node p = producers.get(pending.removeLast());
            if (p != null && seen.add(p.index())) {
                found.add(p);
                p.proto().getInputList().stream().filter(s -> !s.isEmpty()).forEach(pending::add);
            }
        }
        return found;
    }

    private static OnnxMl.TensorProto constantValue(Node node) {
        for (OnnxMl.AttributeProto a : node.proto().getAttributeList()) {
            OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(node.output());
            switch (a.getName()) {
                case "value" -> {
                    return a.getT().toBuilder().setName(node.output()).build();
                }
                case "value_float" -> {
                    return t.setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).addFloatData(a.getF()).build();
                }
                case "value_floats" -> {
                    return t.setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).addDims(a.getFloatsCount())
                            .addAllFloatData(a.getFloatsList()).build();
                }
                case "value_int" -> {
                    return t.setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addInt64Data(a.getI()).build();
                }
                case "value_ints" -> {
                    return t.setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addDims(a.getIntsCount())
                            .addAllInt64Data(a.getIntsList()).build();
                }
                default -> {
                }
            }
        }
        throw new IllegalArgumentException(node + ": a Constant without a value the importer reads (value, value_float(s),"
                + " value_int(s))");
    }
}
