package dev.arbor.cli;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import dev.arbor.onnx.OnnxExporter;
import dev.arbor.onnx.OnnxScorer;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export-onnx", description = "Write the live segment's scoring model as an ONNX graph that scores C candidates for one user.")
final class ExportOnnxCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Index directory.")
    Path dir;

    @Option(names = {"-o", "--out"}, required = true, description = "ONNX file to write, e.g. model.onnx.")
    Path file;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        try (TreeSegment segment = IndexDirectory.openLatest(dir)) {
            OnnxMl.ModelProto model = OnnxExporter.export(segment.model());
            byte[] bytes = model.toByteArray();
            // Loading it is the check that matters to the caller: ONNX Runtime validates the whole graph.
            new OnnxScorer(bytes, segment.architecture(), 1).close();
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, bytes);
            out.printf("wrote %s (%s, ONNX opset %d, IR version %d)%n", file, CliSupport.human(bytes.length),
                    model.getOpsetImport(0).getVersion(), model.getIrVersion());
            out.printf("model    %s%n", segment.architecture());
            out.println("inputs");
            for (OnnxMl.ValueInfoProto input : model.getGraph().getInputList()) {
                out.printf("  %-36s %s%n", OnnxExporter.describe(input), role(input.getName()));
            }
            out.println("outputs");
            for (OnnxMl.ValueInfoProto output : model.getGraph().getOutputList()) {
                out.printf("  %-36s %s%n", OnnxExporter.describe(output), role(output.getName()));
            }
            out.printf("checked  loads in ONNX Runtime %s%n", OrtEnvironment.getEnvironment().getVersion());
        }
        return 0;
    }

    private static String role(String name) {
        return switch (name) {
            case OnnxExporter.HISTORY -> "behaviour embeddings, slot 0 the oldest";
            case OnnxExporter.MASK -> "1 = behaviour, 0 = empty slot";
            case OnnxExporter.CANDIDATES -> "candidate node embeddings, C dynamic";
            case OnnxExporter.SCORES -> "logit1 - logit0 per candidate";
            default -> "";
        };
    }
}
