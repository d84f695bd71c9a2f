package dev.arbor.bench.harness;

import dev.arbor.format.ModelKind;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link BenchHarness} runs.
 *
 * @param sizes         corpus sizes (items) of the synthetic indexes
 * @param models        scoring models; each size is built once per model
 * @param beams         beam widths; a beam narrower than {@code k} is measured at {@code k = beam}
 * @param k             top K returned and compared with brute force
 * @param branching     tree branching factor
 * @param innerNoise    inner-node noise of the synthetic indexes (0: tree-consistent, recall 1 at any beam)
 * @param queries       distinct query histories the latency loops cycle through
 * @param recallQueries queries compared with brute force; 0 picks by size ({@link #recallQueriesFor})
 * @param seconds       measuring time per cell (warm-up extra), each cell running at least a few samples
 * @param threads       search thread counts for latency and QPS, each thread with its own context
 * @param levelSizes    candidates per level for the level-scoring peers
 * @param ortThreads    ONNX Runtime intra-op thread counts
 * @param levelPeers    whether to run the level-scoring peers (on the first size's index)
 * @param indexDir      where the synthetic indexes are written once and reused
 * @param outDir        where CSV, JSON and PNG files go
 * @param hnswBeams     search beams (efSearch) of the HNSW rows over the same items' vectors; empty for none
 * @param lattice       the Deep Retrieval rows over the same items and histories; {@link LatticeConfig#NONE} for none
 */
public record BenchConfig(List<Integer> sizes, List<ModelKind> models, List<Integer> beams, int k, int branching,
                          double innerNoise, int queries, int recallQueries, double seconds, List<Integer> threads, List<Integer> levelSizes,
                          List<Integer> ortThreads, boolean levelPeers, Path indexDir, Path outDir,
                          List<Integer> hnswBeams, LatticeConfig lattice) {

    public BenchConfig {
        sizes = List.copyOf(sizes);
        models = List.copyOf(models);
        beams = List.copyOf(beams);
        threads = List.copyOf(threads);
        levelSizes = List.copyOf(levelSizes);
        ortThreads = List.copyOf(ortThreads);
        hnswBeams = List.copyOf(hnswBeams);
        check(!sizes.isEmpty() && sizes.stream().allMatch(s -> s >= 2 && s <= 100_000_000), "sizes must be in [2, 1e8]");
        check(!models.isEmpty(), "at least one model is needed");
        check(!beams.isEmpty() && beams.stream().allMatch(b -> b >= 1), "beams must be >= 1");
        check(k >= 1, "k must be >= 1, got " + k);
        check(branching >= 2 && branching <= 1024, "branching must be in [2, 1024], got " + branching);
        check(innerNoise >= 0 && innerNoise <= 100, "inner-node noise must be in [0, 100], got " + innerNoise);
        check(queries >= 1, "queries must be >= 1, got " + queries);
        check(recallQueries >= 0, "recall queries must be >= 0 (0 = by size), got " + recallQueries);
        check(seconds > 0, "seconds per cell must be > 0, got " + seconds);
        check(!threads.isEmpty() && threads.stream().allMatch(t -> t >= 1 && t <= 256), "threads must be in [1, 256]");
        check(levelSizes.stream().allMatch(c -> c >= 1), "level sizes must be >= 1");
        check(lattice != null, "the lattice rows' settings are needed (LatticeConfig.NONE for none)");
        check(hnswBeams.stream().allMatch(b -> b >= 1), "HNSW beams must be >= 1");
        check(ortThreads.stream().allMatch(t -> t >= 1 && t <= 256), "ONNX Runtime threads must be in [1, 256]");
        check(!levelPeers || (!levelSizes.isEmpty() && !ortThreads.isEmpty()), "level peers need level sizes and ORT threads");
        for (int size : lattice.enabled() ? sizes : List.<Integer>of()) {
            int codes = lattice.shapeFor(size).k();
            check(lattice.paths() <= codes, "lattice paths per item (J) must be in [1, K = " + codes + "], got "
                    + lattice.paths() + " (the lattice at " + size + " items)");
        }
        int firstSize = sizes.getFirst();
        check(!levelPeers || levelSizes.stream().allMatch(c -> c <= firstSize),
                "level sizes must not exceed the first corpus size (" + firstSize + " items), where the peers run");
    }

    /**
     * Queries checked against brute force at {@code items}: as asked, else fewer on bigger corpora because
     * one exact query scores every item (seconds per query at millions of items with the attention-DNN).
     */
    public int recallQueriesFor(int items) {
        if (recallQueries > 0) {
            return recallQueries;
        }
        return items <= 200_000 ? 50 : items <= 2_000_000 ? 10 : 4;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
