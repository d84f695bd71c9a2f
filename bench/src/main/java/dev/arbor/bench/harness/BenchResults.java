package dev.arbor.bench.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything one {@link BenchHarness} run measured, and the files it wrote.
 *
 * @param environment machine, JVM, kernels and ONNX Runtime version, as name/value pairs
 */
public record BenchResults(BenchConfig config, Map<String, String> environment, List<SearchRow> search,
                           List<LevelRow> levels, List<Path> files) {

    public BenchResults {
        environment = Map.copyOf(environment);
        search = List.copyOf(search);
        levels = List.copyOf(levels);
        files = List.copyOf(files);
    }

    /**
     * One beam search cell. Recall, scored nodes and work come from the recall queries; latency and QPS
     * from the timed loop over all queries.
     *
     * @param k               the K measured: the configured K, or the beam when the beam is narrower
     * @param samples         timed searches (percentiles beyond 1 - 1/samples are the maximum)
     * @param qps             searches per second over all threads
     * @param recall          share of the brute-force top K found by the beam's top K
     * @param scoredNodes     nodes scored per query; for the lattice, the paths its layers' softmaxes score
     * @param naiveMflop      2 x naive multiply-adds per candidate x scored nodes, per query
     * @param rearrangedMflop 2 x what NodeScorer computes (the query-side prepare plus its per-candidate GEMMs)
     * @param gflops          rearranged FLOPs per second of one search at the mean latency
     * @param candidates      items the reranker scored per query (the lattice's top paths' items); NaN for the tree and
     *                        HNSW, whose scored nodes are their work
     */
    public record SearchRow(int items, String model, int beam, int k, int threads, int samples, double meanMs,
                            double p50Ms, double p99Ms, double p999Ms, double qps, double recall, int recallQueries,
                            double scoredNodes, double naiveMflop, double rearrangedMflop, double gflops,
                            double candidates) {
    }

    /**
     * One scorer on one level batch: the median time to score {@code candidates} nodes for a user.
     *
     * @param vsOrt1     this peer's time over ONNX Runtime's with one intra-op thread (below 1 is faster)
     * @param prepareMs  Arbor's once-per-query user-side work (NaN for peers that redo it every level)
     * @param maxRelDiff largest |score - literal model| / max(1, |literal|) on the first batch
     */
    public record LevelRow(String model, int candidates, String peer, int threads, int samples, double msPerLevel,
                           double vsOrt1, double prepareMs, double maxRelDiff) {
    }
}
