package dev.arbor.cli;

import dev.arbor.bench.harness.BenchConfig;
import dev.arbor.bench.harness.BenchHarness;
import dev.arbor.bench.harness.BenchResults;
import dev.arbor.bench.harness.LatticeConfig;
import dev.arbor.format.ModelKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = {
        "Benchmark beam search on synthetic indexes (recall against brute force, latency, QPS, FLOPs) and, in the same "
                + "run, level scoring against ONNX Runtime and scalar baselines. Writes CSV, JSON and PNG charts.",
        "The big run: --sizes 1e5,1e6,4e6 (brute force takes seconds per query there: 4 recall queries by default).",
        "With --lattice, a Deep Retrieval lattice over the same items is searched on the same histories beside the tree."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--sizes", defaultValue = "1e5,1e6", description = "Corpus sizes in items (default: ${DEFAULT-VALUE}).")
    String sizes;

    @Option(names = "--models", defaultValue = "attention,mlp", description = "Models (default: ${DEFAULT-VALUE}).")
    String models;

    @Option(names = "--beams", defaultValue = "50,100,200,400,800", description = "Beam widths (default: ${DEFAULT-VALUE}).")
    String beams;

    @Option(names = "-k", defaultValue = "200", description = "Top K; a narrower beam is measured at K = beam (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--branching", defaultValue = "2", description = "Tree branching factor (default: ${DEFAULT-VALUE}).")
    int branching;

    @Option(names = "--inner-noise", defaultValue = "0",
            description = "Inner-node noise of the synthetic indexes: 0 is tree-consistent (recall 1 at any beam); 10-40 make narrow beams miss (default: ${DEFAULT-VALUE}).")
    double innerNoise;

    @Option(names = "--queries", defaultValue = "200", description = "Query histories the timed loops cycle through (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--recall-queries", defaultValue = "0",
            description = "Queries checked against brute force; 0 = 50 up to 200k items, 10 up to 2M, 4 beyond (default: ${DEFAULT-VALUE}).")
    int recallQueries;

    @Option(names = "--seconds", defaultValue = "1", description = "Measuring time per cell, plus a quarter for warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--threads", defaultValue = "1,2", description = "Search threads for latency and QPS (default: ${DEFAULT-VALUE}).")
    String threads;

    @Option(names = "--level-sizes", defaultValue = "200,800", description = "Candidates per level for the scoring peers (default: ${DEFAULT-VALUE}).")
    String levelSizes;

    @Option(names = "--ort-threads", defaultValue = "1,2", description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE}).")
    String ortThreads;

    @Option(names = "--levels", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the level-scoring peers on the first size's index (default: on; --no-levels skips them).")
    boolean levels;

    @Option(names = "--hnsw", description = "Also search the same items' vectors in an HNSW graph (jvector) at these efSearch beams,"
            + " each against its exact inner-product top K (default: none).")
    String hnsw;

    @Option(names = "--lattice", description = "Also search a synthetic Deep Retrieval lattice over the same items, on the"
            + " same query histories, at these path beams (paths kept per layer, whose items are reranked), against the"
            + " reranker's brute force (default: none).")
    String lattice;

    @Option(names = "--lattice-shape", defaultValue = "auto", description = "The lattice's K x D, codes per layer by"
            + " layers; auto is the paper's 100x3 from 1e6 items up and K = items^(1/3) below, so that paths are not"
            + " mostly empty (default: ${DEFAULT-VALUE}).")
    String latticeShape;

    @Option(names = "--lattice-paths", defaultValue = "3", description = "J, paths per item of the lattice (default: ${DEFAULT-VALUE}).")
    int latticePaths;

    @Option(names = "--lattice-noise", defaultValue = "0",
            description = "Model noise of the lattice, in units of each layer's code spread: 0 is the exact posterior; 0.2-0.5 make narrow beams miss (default: ${DEFAULT-VALUE}).")
    double latticeNoise;

    @Option(names = "--index-dir", defaultValue = "work/bench-indexes", description = "Synthetic indexes, written once (default: ${DEFAULT-VALUE}).")
    Path indexDir;

    @Option(names = {"-o", "--out"}, defaultValue = "work/bench", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    private LatticeConfig latticeConfig() {
        return new LatticeConfig(lattice == null ? List.of() : CliSupport.counts("--lattice", lattice),
                CliSupport.latticeShape("--lattice-shape", latticeShape), latticePaths, latticeNoise);
    }

    @Override
    public Integer call() throws Exception {
        List<ModelKind> kinds = new ArrayList<>();
        for (String m : models.split(",")) {
            kinds.add(CliSupport.modelKind(m.trim()));
        }
        BenchConfig config = new BenchConfig(CliSupport.counts("--sizes", sizes), kinds, CliSupport.counts("--beams", beams), k, branching, innerNoise, queries,
                recallQueries, seconds, CliSupport.counts("--threads", threads), CliSupport.counts("--level-sizes", levelSizes),
                CliSupport.counts("--ort-threads", ortThreads), levels, indexDir, out,
                hnsw == null ? List.of() : CliSupport.counts("--hnsw", hnsw), latticeConfig());
        BenchResults results = BenchHarness.run(config, spec.commandLine().getErr());
        var o = spec.commandLine().getOut();
        o.print(BenchHarness.tables(results));
        o.println();
        o.println("environment " + results.environment());
        results.files().forEach(f -> o.println("wrote " + f));
        return 0;
    }
}
