package dev.arbor.onnx;

import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;

/**
 * The opset-13 operators the exporter needs that Tribuo's {@link ONNXOperators} does not define. None
 * takes attributes; all are in the default domain, at the same opset as Tribuo's, so one opset import
 * covers the whole graph.
 */
enum MoreOperators implements ONNXOperator {
    MATMUL("MatMul", 2),
    PRELU("PRelu", 2),
    RESHAPE("Reshape", 2),
    EXPAND("Expand", 2),
    SHAPE("Shape", 1),
    /** Variadic in ONNX; the exporter only takes the maximum of two. */
    MAX("Max", 2);

    private final String opName;
    private final int inputs;

    MoreOperators(String opName, int inputs) {
        this.opName = opName;
        this.inputs = inputs;
    }

    @Override
    public String getOpName() {
        return opName;
    }

    @Override
    public int getNumInputs() {
        return inputs;
    }

    @Override
    public int getNumOptionalInputs() {
        return 0;
    }

    @Override
    public int getNumOutputs() {
        return 1;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return Map.of();
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
        return Set.of();
    }

    @Override
    public int getOpVersion() {
        return ONNXOperators.getOpsetVersion();
    }

    /** Null is the default ONNX domain, as in Tribuo's operators. */
    @Override
    public String getOpDomain() {
        return null;
    }
}
