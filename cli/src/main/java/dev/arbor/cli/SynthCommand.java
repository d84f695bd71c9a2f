package dev.arbor.cli;

import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "synth", description = "Write a structured synthetic index (clustered embeddings, a model that follows them).")
final class SynthCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--items", required = true, description = "Number of items, 1e3 to 1e7.")
    int items;

    @Option(names = "--branching", defaultValue = "2", description = "Tree branching factor B (default: ${DEFAULT-VALUE}).")
    int branching;

    @Option(names = "--model", defaultValue = "attention", description = "attention (TDM attention-DNN) or mlp.")
    String model;

    @Option(names = "--inner-noise", defaultValue = "0",
            description = "Noise on inner nodes, in units of their children's spread: 0 keeps the tree consistent with the model, 10-40 make narrow beams miss (default: ${DEFAULT-VALUE}).")
    double innerNoise;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = {"-o", "--out"}, defaultValue = "work/synth", description = "Index directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (items < 1 || items > 100_000_000) {
            throw new IllegalArgumentException("--items must be in [1, 100000000], got " + items);
        }
        ModelKind kind = CliSupport.modelKind(model);
        var err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        err.printf("synth: generating %,d items, branching %d, %s model...%n", items, branching, kind);
        TreeIndex index = SyntheticIndex.generate(items, branching, kind, seed, innerNoise);
        long t1 = System.nanoTime();
        err.printf("synth: generated %,d nodes in %.1f s; writing segment...%n", index.shape().nodeCount(), (t1 - t0) / 1e9);
        Path segment = SegmentWriter.write(out, index);
        long t2 = System.nanoTime();
        var o = spec.commandLine().getOut();
        o.printf("wrote %s (%,d items, %d levels, %,d nodes) in %.1f s%n", segment, items, index.shape().levels(),
                index.shape().nodeCount(), (t2 - t1) / 1e9);
        o.printf("example: arbor search %s --history %d,%d -k 10 --beam 100%n", out, SyntheticIndex.itemId(0),
                SyntheticIndex.itemId(Math.min(1, items - 1)));
        return 0;
    }
}
