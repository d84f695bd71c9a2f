package dev.arbor.bench.harness;

import ai.onnxruntime.OrtEnvironment;
import dev.arbor.bench.LatticeFixture;
import dev.arbor.bench.SyntheticFixture;
import dev.arbor.bench.harness.BenchResults.LevelRow;
import dev.arbor.bench.harness.BenchResults.SearchRow;
import dev.arbor.format.LatticeShape;
import dev.arbor.format.ModelKind;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.reader.TreeSegment;
import dev.arbor.scorer.Kernels;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-to-end benchmark behind {@code arbor bench}: beam search on synthetic indexes of several sizes
 * and both models (recall against brute force, latency percentiles, QPS at each thread count, scored
 * nodes and FLOPs per query); optionally HNSW and Deep Retrieval rows over the same items and query
 * histories; and, in the same run, the level-scoring peers (ONNX Runtime, Arbor with the Vector API and
 * with scalar kernels, the literal model). Writes {@code search.csv}, {@code levels.csv},
 * {@code results.json} and PNG charts; progress goes to the given writer.
 *
 * <p>It lives in the bench module, next to {@link SyntheticFixture} which the JMH benchmarks share, and
 * uses no JMH class, so the CLI can depend on this module with JMH excluded.
 */
public final class BenchHarness {
    private BenchHarness() {
    }

    public static BenchResults run(BenchConfig config, PrintWriter progress) throws Exception {
        Files.createDirectories(config.outDir());
        Files.createDirectories(config.indexDir());
        Map<String, String> environment = environment();
        progress.printf("bench: %s%n", environment).flush();
        List<SearchRow> search = new ArrayList<>();
        List<LevelRow> levels = new ArrayList<>();
        int cells = config.sizes().size() * config.models().size(), cell = 0;
        int bruteForceThreads = config.threads().stream().mapToInt(Integer::intValue).max().orElse(1);
        for (int items : config.sizes()) {
            for (ModelKind kind : config.models()) {
                String model = modelName(kind);
                int recallQueries = config.recallQueriesFor(items);
                long t0 = System.nanoTime();
                progress.printf("[%d/%d] %,d items, %s model: index under %s%n", ++cell, cells, items, model,
                        config.indexDir()).flush();
                Workload w = workload(config, items, kind, Math.max(config.queries(), recallQueries), progress);
                progress.printf("  index ready in %.1f s%n", (System.nanoTime() - t0) / 1e9).flush();
                try (TreeSegment segment = IndexDirectory.openLatest(w.directory())) {
                    // Timed cells measure a warm server: fault the whole segment in first, or an index whose pages
                    // the OS dropped (several GB of indexes on a 24 GB machine) times disk reads instead.
                    // Cold starts are ColdStartBench's subject.
                    segment.mappings().forEach(MemorySegment::load);
                    long[][] truth = GroundTruth.of(segment, w.histories(), recallQueries, config.k(), bruteForceThreads,
                            w.directory().resolve("bruteforce-k" + config.k() + ".bin"), progress);
                    search.addAll(SearchBench.run(config, model, segment, w.histories(), truth, progress));
                    // The graph indexes the items' vectors, not the model: once per size is enough.
                    if (!config.hnswBeams().isEmpty() && kind == config.models().getFirst()) {
                        search.addAll(HnswSearchBench.run(config, segment, w.histories(), recallQueries, progress));
                    }
                    if (config.levelPeers() && items == config.sizes().getFirst()) {
                        levels.addAll(LevelPeers.run(config, model, segment, w.histories(), progress));
                    }
                }
                if (w.lattice() != null) {
                    try (LatticeSegment lattice = IndexDirectory.openLatestLattice(w.lattice())) {
                        lattice.mappings().forEach(MemorySegment::load);
                        search.addAll(LatticeSearchBench.run(config, lattice, w.histories(), recallQueries, progress));
                    }
                }
            }
        }
        BenchResults measured = new BenchResults(config, environment, search, levels, List.of());
        Path out = config.outDir();
        List<Path> files = List.of(out.resolve("search.csv"), out.resolve("levels.csv"), out.resolve("results.json"));
        Reports.writeCsv(files.get(0), SearchRow.class, search);
        Reports.writeCsv(files.get(1), LevelRow.class, levels);
        Reports.writeJson(files.get(2), measured);
        List<Path> all = new ArrayList<>(files);
        all.addAll(Plots.write(measured, out));
        return new BenchResults(config, environment, search, levels, all);
    }

    /**
     * An index written once under the index directory, query histories drawn from it, and the lattice over its items
     * (null where this cell has no lattice rows).
     */
    private record Workload(Path directory, long[][] histories, Path lattice) {
    }

    /**
     * Only the directories and histories outlive this call: the fixture holds the whole generated index on the heap.
     * The lattice rows follow the first model's cell of each size, as the HNSW rows do: the lattice has its own model.
     */
    private static Workload workload(BenchConfig config, int items, ModelKind kind, int queries, PrintWriter progress) {
        SyntheticFixture fixture = SyntheticFixture.create(config.indexDir(), items, config.branching(), kind, queries,
                config.innerNoise());
        LatticeConfig lattice = config.lattice();
        if (!lattice.enabled() || kind != config.models().getFirst()) {
            return new Workload(fixture.directory, fixture.histories, null);
        }
        long t0 = System.nanoTime();
        LatticeShape shape = lattice.shapeFor(items);
        Path dir = LatticeFixture.create(fixture, shape, lattice.paths(), lattice.noise()).directory;
        progress.printf("  lattice %d x %d, J %d, noise %s ready in %.1f s: %s%n", shape.k(), shape.depth(),
                lattice.paths(), lattice.noise(), (System.nanoTime() - t0) / 1e9, dir).flush();
        return new Workload(fixture.directory, fixture.histories, dir);
    }

    /** Markdown tables of the results, for the terminal. */
    public static String tables(BenchResults results) {
        return Reports.tables(results);
    }

    static String modelName(ModelKind kind) {
        return kind == ModelKind.ATTENTION_DNN ? "attention" : "mlp";
    }

    /** What the numbers depend on; the load average shows how busy a shared machine was. */
    private static Map<String, String> environment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> env.put("cpu", l.substring(l.indexOf(':') + 1).trim()));
        }
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        env.put("max_heap", Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        env.put("kernels", Kernels.best().name());
        env.put("onnxruntime", OrtEnvironment.getEnvironment().getVersion());
        env.put("load_average_at_start", String.format(Locale.ROOT, "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        env.put("started", Instant.now().toString());
        return env;
    }
}
