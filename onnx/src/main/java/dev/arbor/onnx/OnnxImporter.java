package dev.arbor.onnx;

import ai.onnx.proto.OnnxMl;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.ModelWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a scoring model trained elsewhere out of an ONNX graph into Arbor's layout, for an index whose embedding
 * dimension and behaviour windows it must fit.
 *
 * <p>The architecture is recognised from the graph's structure and data flow, never from its names. From the
 * output it walks back through the dense layers ({@code Gemm} with or without transB, or {@code MatMul} then
 * {@code Add}) and their activations ({@code PRelu}, {@code Relu}, {@code LeakyRelu}) to the {@code Concat} that is
 * the MLP's input. The graph input among that concatenation's operands is the candidates; the other operand is the
 * pooled history. If the pooled history depends on the candidates, the model is the attention-DNN, and its
 * activation unit is the one dense → activation → dense chain the pooling is computed from, reading a concatenation
 * of three parts that the inputs they depend on tell apart: the behaviour (the history alone), the product (both)
 * and the candidate (the candidates alone). The weights are moved into Arbor's layouts, whatever order the graph
 * concatenates its parts in.
 *
 * <p>The parameter-free pooling between the inputs and the layers is not interpreted: the caller holds it to the
 * model's by comparing scores with ONNX Runtime on the same inputs ({@link ScoreCheck}).
 */
public final class OnnxImporter {
    private static final Set<String> ACTIVATIONS = Set.of("PRelu", "Relu", "LeakyRelu");
    /** Nodes that only reshape a value between the unit's concatenation or the output layer and their neighbours. */
    private static final Set<String> RESHAPES = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity");
    /** Roles of the activation unit's three input parts, in Arbor's column order [b; b*n; n]. */
    private static final String[] UNIT_PARTS = {"the behaviour b", "the product b*n", "the candidate n"};

    /**
     * What was read.
     *
     * @param weights        the model in Arbor's layout
     * @param names          the graph's input and output names, for {@link OnnxScorer}
     * @param candidateBatch the candidate count the graph fixes, or 0 when it is dynamic
     * @param description    a one-line account of the graph as read, for people
     */
    public record Imported(ModelWeights weights, OnnxScorer.Names names, int candidateBatch, String description) {
    }

    /** A dense layer {@code W x + b} with {@code w} in Arbor's layout: {@code out} rows of {@code in}. */
    private record Dense(OnnxGraph.Node node, String input, float[] w, float[] b, int out, int in, String form) {
    }

    /** A hidden layer: its dense part and the activation after it, with that activation's slopes. */
    private record Layer(Dense dense, OnnxGraph.Node activation, float[] slopes) {
    }

    private final OnnxGraph g;
    private final ModelArchitecture index;

    private OnnxImporter(OnnxGraph graph, ModelArchitecture index) {
        this.g = graph;
        this.index = index;
    }

    /**
     * Reads {@code model} for an index whose model is {@code index}: the embedding dimension, history length and
     * windows must agree; the kind, the attention unit's width and the hidden layers are the graph's.
     *
     * @throws IllegalArgumentException naming the node, input or dimension that does not fit
     */
    public static Imported read(OnnxMl.ModelProto model, ModelArchitecture index) {
        return new OnnxImporter(new OnnxGraph(model.getGraph()), index).read(model.getGraph());
    }

    private Imported read(OnnxMl.GraphProto graph) {
        List<OnnxMl.ValueInfoProto> inputs = g.inputs();
        int d = index.embeddingDim(), slots = index.historyLength();
        if (inputs.size() != 3) {
            throw new IllegalArgumentException("the graph has " + inputs.size() + " inputs (" + describe(inputs)
                    + "); a scorer has three: the history [" + slots + ", " + d + "], its mask [" + slots
                    + "] and the candidates [C, " + d + "]");
        }
        if (graph.getOutputCount() != 1) {
            throw new IllegalArgumentException("the graph has " + graph.getOutputCount()
                    + " outputs; a scorer has one, the candidates' scores [C]");
        }
        String scores = graph.getOutput(0).getName();
        Dense output = outputLayer(scores);
        int[] outputRows = outputRows(scores, output);

        List<Layer> layers = hiddenLayers(output);
        String x = layers.getFirst().dense().input();

        OnnxGraph.Node concat = g.source(x);
        if (concat == null || !concat.op().equals("Concat") || concat.proto().getInputCount() != 2) {
            throw new IllegalArgumentException("the first hidden layer, " + layers.getFirst().dense().node() + ", reads "
                    + (concat == null ? "\"" + x + "\" directly" : concat.toString()) + "; Arbor's MLP reads a Concat"
                    + " of two operands, the pooled history and the candidate");
        }
        int candidateSlot = g.inputOf(concat.input(0)) >= 0 ? 0 : g.inputOf(concat.input(1)) >= 0 ? 1 : -1;
        if (candidateSlot < 0) {
            throw new IllegalArgumentException(concat + ": neither operand is a graph input; one must be the candidates"
                    + " [C, " + d + "]");
        }
        int candidates = g.inputOf(concat.input(candidateSlot));
        int mask = -1, history = -1;
        for (int i = 0; i < inputs.size(); i++) {
            if (!inputs.get(i).getType().getTensorType().hasShape()) {
                throw new IllegalArgumentException("input \"" + inputs.get(i).getName() + "\" declares no shape; the"
                        + " importer tells the history from its mask by their ranks");
            }
            int rank = inputs.get(i).getType().getTensorType().getShape().getDimCount();
            if (i != candidates && rank == 1) {
                mask = i;
            } else if (i != candidates && rank == 2) {
                history = i;
            }
        }
        if (mask < 0 || history < 0) {
            throw new IllegalArgumentException("the graph's inputs (" + describe(inputs) + ") have no " + (history < 0
                    ? "history [" + slots + ", " + d + "]" : "history mask [" + slots + "]") + " beside the candidates \""
                    + inputs.get(candidates).getName() + "\" that " + concat + " reads");
        }
        checkInput(inputs.get(history), "history", slots, d);
        checkInput(inputs.get(mask), "history mask", slots);
        int candidateBatch = checkInput(inputs.get(candidates), "candidates", -1, d);
        int reach = g.dependsOn(scores);
        for (int i = 0; i < inputs.size(); i++) {
            if ((reach & (1 << i)) == 0) {
                throw new IllegalArgumentException("input \"" + inputs.get(i).getName() + "\" does not reach the output \""
                        + scores + "\"");
            }
        }
        Dense first = layers.getFirst().dense();
        if (first.in() != index.mlpInput()) {
            throw new IllegalArgumentException(first.node() + ": the first hidden layer reads " + first.in()
                    + " columns, but the index's model pools " + index.windowCount() + " windows of dimension " + d
                    + " beside the candidate: " + index.windowCount() + " x " + d + " + " + d + " = " + index.mlpInput());
        }

        String pooled = concat.input(1 - candidateSlot);
        int pooledOn = g.dependsOn(pooled);
        if ((pooledOn & (1 << history)) == 0) {
            throw new IllegalArgumentException(concat + ": its operand \"" + pooled + "\" does not depend on the history \""
                    + inputs.get(history).getName() + "\"");
        }
        boolean attention = (pooledOn & (1 << candidates)) != 0;
        List<OnnxGraph.Node> pooling = g.ancestors(pooled);
        List<OnnxGraph.Node> activations = pooling.stream().filter(n -> ACTIVATIONS.contains(n.op())).toList();
        if (!attention && !activations.isEmpty()) {
            throw new IllegalArgumentException(activations.getFirst() + ": a layer on the history alone, before the MLP;"
                    + " neither supported architecture has one");
        }
        if (attention && activations.size() != 1) {
            throw new IllegalArgumentException("the pooled history \"" + pooled + "\" depends on the candidates, as the"
                    + " attention-DNN's does, but is computed through " + activations.size() + " activations"
                    + (activations.isEmpty() ? "" : " (" + activations.stream().map(Object::toString)
                    .collect(Collectors.joining(", ")) + ")") + "; the activation unit has one, between two dense layers");
        }

        Unit unit = attention ? unit(activations.getFirst(), history, candidates) : null;
        ModelWeights weights = weights(unit, layers, candidateSlot == 0, output, outputRows);
        int[] hidden = weights.architecture().mlpHidden();
        String unitText = unit == null ? "" : "activation unit " + 3 * d + " → " + unit.in().out() + " → 1 ("
                + unit.in().form() + ", " + unit.activation().op() + "); ";
        String description = weights.architecture().kind() + ": " + unitText + "hidden " + index.mlpInput() + " → "
                + Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining(" → ")) + " ("
                + layers.stream().map(l -> l.dense().form() + ", " + l.activation().op()).distinct()
                .collect(Collectors.joining("; ")) + "); score "
                + (outputRows[1] < 0 ? "a 1-wide layer" : "column " + outputRows[0] + " - column " + outputRows[1])
                + " of " + output.node();
        OnnxScorer.Names names = new OnnxScorer.Names(inputs.get(history).getName(), inputs.get(mask).getName(),
                inputs.get(candidates).getName(), scores);
        return new Imported(weights, names, candidateBatch, description);
    }

    /** The attention-DNN's activation unit: {@code in} → {@code activation} → {@code out} over the concatenated parts. */
    private record Unit(Dense in, OnnxGraph.Node activation, Dense out, int[] parts) {
    }

    /** The unit around its one activation {@code act}, checked against the index's dimension. */
    private Unit unit(OnnxGraph.Node act, int history, int candidates) {
        int d = index.embeddingDim();
        Dense unitIn = dense(act.input(0));
        Dense unitOut = denseReading(act.output());
        if (unitIn == null || unitOut == null) {
            throw new IllegalArgumentException(act + ": the activation unit's activation must read a dense layer and"
                    + " be read by one (Gemm, or MatMul then Add, with constant weights)");
        }
        if (unitIn.in() != 3 * d || unitOut.in() != unitIn.out() || unitOut.out() != 1) {
            throw new IllegalArgumentException(unitIn.node() + " → " + act + " → " + unitOut.node() + ": the activation"
                    + " unit maps [b; b*n; n] (3 x " + d + " = " + 3 * d + " columns) to a hidden layer and then to 1"
                    + " weight, but these layers are " + unitIn.in() + " → " + unitIn.out() + " and " + unitOut.in()
                    + " → " + unitOut.out());
        }
        return new Unit(unitIn, act, unitOut, unitParts(unitIn, history, candidates));
    }

    /**
     * The read layers in Arbor's layouts: the unit's columns in [b; b*n; n] order, the first hidden layer's in
     * [pooled; n] order ({@code candidatesFirst}: the graph has [n; pooled]), and the output's rows so that the
     * score is logit1 - logit0 ({@code outputRows}: the graph's positive and negative rows, -1 for none).
     */
    private ModelWeights weights(Unit unit, List<Layer> layers, boolean candidatesFirst, Dense output, int[] outputRows) {
        int d = index.embeddingDim();
        int[] hidden = layers.stream().mapToInt(l -> l.dense().out()).toArray();
        ModelWeights weights = ModelWeights.zeros(new ModelArchitecture(unit == null ? ModelKind.MLP : ModelKind.ATTENTION_DNN,
                d, index.windowSizes(), unit == null ? 0 : unit.in().out(), hidden));
        if (unit != null) {
            int a = unit.in().out();
            float[] w1 = weights.tensor("att.w1");
            for (int r = 0; r < a; r++) {
                for (int k = 0; k < 3; k++) {
                    System.arraycopy(unit.in().w(), r * 3 * d + k * d, w1, r * 3 * d + unit.parts()[k] * d, d);
                }
            }
            System.arraycopy(unit.in().b(), 0, weights.tensor("att.b1"), 0, a);
            System.arraycopy(slopes(unit.activation(), a), 0, weights.tensor("att.alpha"), 0, a);
            System.arraycopy(unit.out().w(), 0, weights.tensor("att.w2"), 0, a);
            weights.tensor("att.b2")[0] = unit.out().b()[0];
        }
        int pooledWidth = index.mlpInput() - d;
        for (int i = 0; i < layers.size(); i++) {
            Dense layer = layers.get(i).dense();
            float[] w = weights.tensor("mlp" + i + ".w");
            if (i == 0 && candidatesFirst) {
                for (int r = 0; r < layer.out(); r++) {
                    System.arraycopy(layer.w(), r * layer.in() + d, w, r * layer.in(), pooledWidth);
                    System.arraycopy(layer.w(), r * layer.in(), w, r * layer.in() + pooledWidth, d);
                }
            } else {
                System.arraycopy(layer.w(), 0, w, 0, w.length);
            }
            System.arraycopy(layer.b(), 0, weights.tensor("mlp" + i + ".b"), 0, layer.out());
            System.arraycopy(layers.get(i).slopes(), 0, weights.tensor("mlp" + i + ".alpha"), 0, layer.out());
        }
        int h = output.in();
        float[] outW = weights.tensor("out.w"), outB = weights.tensor("out.b");
        for (int row = 0; row < 2; row++) { // row 1 is the positive logit, row 0 the negative one (zero if none)
            int from = outputRows[1 - row];
            if (from >= 0) {
                System.arraycopy(output.w(), from * h, outW, row * h, h);
                outB[row] = output.b()[from];
            }
        }
        return weights;
    }

    /** The hidden layers below {@code output}, first to last, each reading what the one before it gives. */
    private List<Layer> hiddenLayers(Dense output) {
        List<Layer> layers = new ArrayList<>();
        String x = output.input();
        for (OnnxGraph.Node act = g.source(x); act != null && ACTIVATIONS.contains(act.op()); act = g.source(x)) {
            Dense layer = dense(act.input(0));
            if (layer == null) {
                throw new IllegalArgumentException(act + ": its input does not come from a dense layer (Gemm, or MatMul"
                        + " then Add, with constant weights)");
            }
            layers.addFirst(new Layer(layer, act, slopes(act, layer.out())));
            x = layer.input();
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException(output.node() + ": the output layer reads no hidden layer; Arbor's models"
                    + " have at least one (a dense layer then PRelu)");
        }
        for (int i = 1; i <= layers.size(); i++) {
            Dense previous = layers.get(i - 1).dense(), next = i < layers.size() ? layers.get(i).dense() : output;
            if (next.in() != previous.out()) {
                throw new IllegalArgumentException(next.node() + ": reads " + next.in() + " columns, but the layer before"
                        + " it, " + previous.node() + ", gives " + previous.out());
            }
        }
        return layers;
    }

    /** The dense layer whose output the score is: a 2-wide layer of which two columns are subtracted, or a 1-wide one. */
    private Dense outputLayer(String scores) {
        OnnxGraph.Node n = g.source(scores);
        if (n == null) {
            throw new IllegalArgumentException("the output \"" + scores + "\" is not computed by any node");
        }
        if (n.op().equals("Sub")) {
            OnnxGraph.Node a = g.source(n.input(0)), b = g.source(n.input(1));
            if (a == null || b == null || !a.op().equals("Gather") || !b.op().equals("Gather")
                    || !g.throughIdentity(a.input(0)).equals(g.throughIdentity(b.input(0)))) {
                throw new IllegalArgumentException(n + ": the importer reads a score as the difference of two columns"
                        + " (Gather on axis 1) of one dense layer");
            }
            Dense logits = dense(a.input(0));
            if (logits == null) {
                throw new IllegalArgumentException(a + ": gathers from \"" + a.input(0) + "\", which is not a dense layer"
                        + " (Gemm, or MatMul then Add, with constant weights)");
            }
            return logits;
        }
        String v = scores;
        for (OnnxGraph.Node p = n; p != null && RESHAPES.contains(p.op()); p = g.producer(v)) {
            v = p.input(0);
        }
        Dense layer = dense(v);
        if (layer == null || layer.out() != 1) {
            throw new IllegalArgumentException("the output \"" + scores + "\" comes from " + n + "; the importer reads a"
                    + " score as logit1 - logit0 (Sub of two Gathers on axis 1 of a 2-wide dense layer) or as a 1-wide"
                    + " dense layer");
        }
        return layer;
    }

    /** {@code {positive, negative}}: the output layer's rows the score adds and subtracts; negative -1 for none. */
    private int[] outputRows(String scores, Dense output) {
        OnnxGraph.Node n = g.source(scores);
        if (!n.op().equals("Sub")) {
            return new int[] {0, -1};
        }
        int positive = column(g.source(n.input(0)), output), negative = column(g.source(n.input(1)), output);
        if (positive == negative) {
            throw new IllegalArgumentException(n + ": subtracts column " + positive + " of " + output.node() + " from itself");
        }
        return new int[] {positive, negative};
    }

    private int column(OnnxGraph.Node gather, Dense logits) {
        long axis = gather.intAttribute("axis", 0);
        if (axis != 1 && axis != -1 || !g.isConstant(gather.input(1)) || g.longs(gather.input(1)).length != 1) {
            throw new IllegalArgumentException(gather + ": a score column is one constant index on axis 1, got axis "
                    + axis + (g.isConstant(gather.input(1)) ? "" : " and indices computed in the graph"));
        }
        long c = g.longs(gather.input(1))[0];
        if (c < -logits.out() || c >= logits.out()) {
            throw new IllegalArgumentException(gather + ": column " + c + " is outside the " + logits.out()
                    + " columns of " + logits.node());
        }
        return (int) (c < 0 ? c + logits.out() : c);
    }

    /** The dense layer that computes {@code value}, or null when its producer is not one. */
    private Dense dense(String value) {
        OnnxGraph.Node p = g.source(value);
        if (p == null) {
            return null;
        }
        return switch (p.op()) {
            case "Gemm" -> gemm(p);
            case "MatMul" -> g.isConstant(p.input(1)) ? matMul(p, p, null) : null;
            case "Add" -> {
                for (int i = 0; i < 2; i++) {
                    OnnxGraph.Node m = g.source(p.input(i));
                    if (m != null && m.op().equals("MatMul") && g.isConstant(m.input(1)) && g.isConstant(p.input(1 - i))) {
                        yield matMul(m, p, p.input(1 - i));
                    }
                }
                yield null;
            }
            default -> null;
        };
    }

    /** The dense layer that reads {@code value} (the unit's second layer), or null. */
    private Dense denseReading(String value) {
        for (OnnxGraph.Node c : g.consumers(value)) {
            if (!c.input(0).equals(value)) {
                continue;
            }
            if (c.op().equals("MatMul")) {
                List<OnnxGraph.Node> next = g.consumers(c.output());
                Dense withBias = next.size() == 1 && next.getFirst().op().equals("Add") ? dense(next.getFirst().output()) : null;
                return withBias != null ? withBias : dense(c.output());
            }
            if (c.op().equals("Gemm")) {
                return dense(c.output());
            }
        }
        return null;
    }

    private Dense gemm(OnnxGraph.Node p) {
        if (p.intAttribute("transA", 0) != 0) {
            throw new IllegalArgumentException(p + ": transA = 1 is not supported (a layer's input is one row per example)");
        }
        if (!g.isConstant(p.input(1))) {
            throw new IllegalArgumentException(p + ": its weight \"" + p.input(1) + "\" is not a constant");
        }
        boolean transB = p.intAttribute("transB", 0) != 0;
        int[] dims = matrixDims(p, p.input(1));
        int out = transB ? dims[0] : dims[1], in = transB ? dims[1] : dims[0];
        float[] w = transB ? g.floats(p.input(1)) : transpose(g.floats(p.input(1)), in, out);
        scale(w, p.floatAttribute("alpha", 1f));
        String bias = p.input(2);
        if (!bias.isEmpty() && !g.isConstant(bias)) {
            throw new IllegalArgumentException(p + ": its bias \"" + bias + "\" is not a constant");
        }
        float[] b = bias.isEmpty() ? new float[out] : broadcast(p, bias, out);
        scale(b, p.floatAttribute("beta", 1f));
        return new Dense(p, p.input(0), w, b, out, in, transB ? "Gemm transB" : "Gemm");
    }

    private Dense matMul(OnnxGraph.Node m, OnnxGraph.Node layer, String bias) {
        int[] dims = matrixDims(m, m.input(1));
        int in = dims[0], out = dims[1];
        float[] b = bias == null ? new float[out] : broadcast(layer, bias, out);
        return new Dense(layer, m.input(0), transpose(g.floats(m.input(1)), in, out), b, out, in,
                bias == null ? "MatMul" : "MatMul+Add");
    }

    private int[] matrixDims(OnnxGraph.Node node, String weight) {
        int[] dims = g.dims(weight);
        if (dims.length != 2 || (long) dims[0] * dims[1] != g.floats(weight).length) {
            throw new IllegalArgumentException(node + ": its weight \"" + weight + "\" is " + Arrays.toString(dims)
                    + " with " + g.floats(weight).length + " values; a dense layer's weight is a matrix");
        }
        return dims;
    }

    /** The activation's slope for negative inputs, one per unit: PRelu's, LeakyRelu's alpha, or 0 for Relu. */
    private float[] slopes(OnnxGraph.Node act, int width) {
        return switch (act.op()) {
            case "Relu" -> new float[width];
            case "LeakyRelu" -> {
                float[] s = new float[width];
                Arrays.fill(s, act.floatAttribute("alpha", 0.01f));
                yield s;
            }
            default -> {
                if (!g.isConstant(act.input(1))) {
                    throw new IllegalArgumentException(act + ": its slope \"" + act.input(1) + "\" is not a constant");
                }
                yield broadcast(act, act.input(1), width);
            }
        };
    }

    /** For each of the unit's concatenated parts, its place in [b; b*n; n], told by the inputs it depends on. */
    private int[] unitParts(Dense unitIn, int history, int candidates) {
        OnnxGraph.Node c = g.source(unitIn.input());
        while (c != null && RESHAPES.contains(c.op())) {
            c = g.source(c.input(0));
        }
        if (c == null || !c.op().equals("Concat") || c.proto().getInputCount() != 3) {
            throw new IllegalArgumentException(unitIn.node() + ": the activation unit's first layer reads "
                    + (c == null ? "\"" + unitIn.input() + "\"" : c.toString()) + "; it must read a Concat of three parts,"
                    + " b, b*n and n, in any order");
        }
        int[] parts = new int[3];
        boolean[] seen = new boolean[3];
        int both = (1 << history) | (1 << candidates);
        for (int k = 0; k < 3; k++) {
            int on = g.dependsOn(c.input(k)) & both;
            parts[k] = on == (1 << history) ? 0 : on == both ? 1 : on == (1 << candidates) ? 2 : -1;
            if (parts[k] < 0 || seen[parts[k]]) {
                throw new IllegalArgumentException(c + ": operand " + k + " \"" + c.input(k) + "\" "
                        + (parts[k] < 0 ? "depends on neither the history nor the candidates"
                        : "is a second " + UNIT_PARTS[parts[k]]) + "; the unit reads " + String.join(", ", UNIT_PARTS));
            }
            seen[parts[k]] = true;
        }
        return parts;
    }

    /** Where the graph fixes them, the input's dimensions must be {@code expected} (-1: any); returns its first, or 0. */
    private int checkInput(OnnxMl.ValueInfoProto input, String role, int... expected) {
        OnnxMl.TypeProto.Tensor type = input.getType().getTensorType();
        if (type.getElemType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
            throw new IllegalArgumentException("input \"" + input.getName() + "\" (the " + role + ") holds "
                    + OnnxMl.TensorProto.DataType.forNumber(type.getElemType()) + "; the scorer's inputs are float32");
        }
        List<OnnxMl.TensorShapeProto.Dimension> dims = type.getShape().getDimList();
        if (dims.size() != expected.length) {
            throw new IllegalArgumentException("input \"" + input.getName() + "\" (the " + role + ") has rank "
                    + dims.size() + ", but the index's model reads " + Arrays.toString(expected).replace("-1", "C"));
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] >= 0 && dims.get(i).hasDimValue() && dims.get(i).getDimValue() != expected[i]) {
                throw new IllegalArgumentException("input \"" + input.getName() + "\" (the " + role + ") is "
                        + OnnxExporter.describe(input).substring(input.getName().length() + 1) + ", but the index's model"
                        + " reads " + Arrays.toString(expected).replace("-1", "C") + " (" + index + ")");
            }
        }
        return dims.getFirst().hasDimValue() ? Math.toIntExact(dims.getFirst().getDimValue()) : 0;
    }

    private float[] broadcast(OnnxGraph.Node node, String value, int width) {
        float[] v = g.floats(value);
        if (v.length == width) {
            return v;
        }
        if (v.length != 1) {
            throw new IllegalArgumentException(node + ": \"" + value + "\" has " + v.length + " values for a layer " + width
                    + " wide");
        }
        float[] filled = new float[width];
        Arrays.fill(filled, v[0]);
        return filled;
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

    private static void scale(float[] v, float factor) {
        if (factor != 1f) {
            for (int i = 0; i < v.length; i++) {
                v[i] *= factor;
            }
        }
    }

    private static String describe(List<OnnxMl.ValueInfoProto> values) {
        return values.isEmpty() ? "none" : values.stream().map(OnnxExporter::describe).collect(Collectors.joining(", "));
    }
}
