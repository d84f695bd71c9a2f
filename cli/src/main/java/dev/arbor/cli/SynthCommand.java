package dev.arbor.cli;

import dev.arbor.format.LatticeIndex;
import dev.arbor.format.LatticeShape;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.synth.SyntheticLattice;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "synth", description = "Write a structured synthetic index (clustered embeddings, a model that follows them):"
        + " a tree, or with --lattice a Deep Retrieval path lattice over the same items.")
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

    @Option(names = "--lattice", description = "Write a Deep Retrieval path lattice over the synthetic tree's items"
            + " instead of the tree: clusters that follow path prefixes and a model planted to follow them.")
    boolean lattice;

    @Option(names = "--lattice-shape", defaultValue = "auto", description = "With --lattice, K x D; auto is the paper's"
            + " 100x3 from 1e6 items up and K = items^(1/3) below (default: ${DEFAULT-VALUE}).")
    String latticeShape;

    @Option(names = "--lattice-paths", defaultValue = "3", description = "With --lattice, J, paths per item (default: ${DEFAULT-VALUE}).")
    int latticePaths;

    @Option(names = "--lattice-noise", defaultValue = "0", description = "With --lattice, model noise in units of each"
            + " layer's code spread: 0 is the exact posterior; 0.2-0.5 make narrow beams miss (default: ${DEFAULT-VALUE}).")
    double latticeNoise;

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
        if (lattice) {
            return writeLattice(index, t1);
        }
        Path segment = SegmentWriter.write(out, index);
        long t2 = System.nanoTime();
        var o = spec.commandLine().getOut();
        o.printf("wrote %s (%,d items, %d levels, %,d nodes) in %.1f s%n", segment, items, index.shape().levels(),
                index.shape().nodeCount(), (t2 - t1) / 1e9);
        o.printf("example: arbor search %s --history %d,%d -k 10 --beam 100%n", out, SyntheticIndex.itemId(0),
                SyntheticIndex.itemId(Math.min(1, items - 1)));
        return 0;
    }

    /** The lattice over {@code tree}'s items ({@link SyntheticLattice#alongTree}), written in place of the tree. */
    private int writeLattice(TreeIndex tree, long t0) throws java.io.IOException {
        LatticeShape given = CliSupport.latticeShape("--lattice-shape", latticeShape);
        LatticeShape shape = given == null ? SyntheticLattice.shapeFor(items) : given;
        LatticeIndex index = SyntheticLattice.alongTree(tree, shape, latticePaths, latticeNoise, seed + 1);
        long t1 = System.nanoTime();
        Path segment = SegmentWriter.write(out, index);
        long t2 = System.nanoTime();
        var o = spec.commandLine().getOut();
        o.printf("wrote %s (%,d items on a %d x %d lattice, J %d) in %.1f s (lattice %.1f s)%n", segment, items,
                shape.k(), shape.depth(), latticePaths, (t2 - t0) / 1e9, (t1 - t0) / 1e9);
        o.printf("example: arbor search %s --history %d,%d -k 10 --beam 100%n", out, SyntheticIndex.itemId(0),
                SyntheticIndex.itemId(Math.min(1, items - 1)));
        return 0;
    }
}
