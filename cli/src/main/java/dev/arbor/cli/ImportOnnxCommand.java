package dev.arbor.cli;

import ai.onnxruntime.OrtEnvironment;
import dev.arbor.onnx.ModelImport;
import dev.arbor.onnx.ScoreCheck;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import-onnx", description = "Put a scorer trained elsewhere (an ONNX graph of the attention-DNN or the MLP)"
        + " in place of the live segment's model, keeping the tree and the embeddings, and publish a new generation.")
final class ImportOnnxCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "ONNX file, e.g. model.onnx.")
    Path file;

    @Option(names = "--index", required = true, description = "Index directory whose live segment gets the model.")
    Path dir;

    @Option(names = "--check-users", defaultValue = "200", description = "Random users whose scores are held to ONNX"
            + " Runtime's (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--check-candidates", defaultValue = "64", description = "Random candidate nodes per user"
            + " (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random users (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        ModelImport.Outcome o = ModelImport.run(file, dir, new ScoreCheck.Size(users, candidates), seed);
        out.printf("read      %s (%s, sha256 %s)%n", file, CliSupport.human(o.bytes()), o.sha256());
        out.printf("graph     %s%n", o.imported().description());
        out.printf("inputs    %s%n", o.imported().names());
        out.printf("model     %s%n", o.imported().weights().architecture());
        out.printf("replaces  %s%n", o.previous());
        out.printf("published %s (tree, items and node embeddings kept)%n", o.segment());
        out.printf("checked   %d users x %d candidates against ONNX Runtime %s: largest relative difference %.2e%n",
                users, o.imported().candidateBatch() > 0 ? o.imported().candidateBatch() : candidates,
                OrtEnvironment.getEnvironment().getVersion(), o.maxRelDiff());
        return 0;
    }
}
