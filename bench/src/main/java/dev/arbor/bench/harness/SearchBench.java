package dev.arbor.bench.harness;

import dev.arbor.bench.harness.BenchResults.SearchRow;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.reader.TreeSegment;
import dev.arbor.scorer.NodeScorer;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Beam search on one index at every beam width: recall against brute force on the first
 * {@code truth.length} histories, latency and QPS cycling through the first {@code config.queries()}.
 */
final class SearchBench {
    private SearchBench() {
    }

    /** Averages over the recall queries of one beam width. */
    private record Quality(double recall, double scoredNodes, double naiveMacs, double rearrangedMacs) {
    }

    static List<SearchRow> run(BenchConfig config, String model, TreeSegment segment, long[][] histories, long[][] truth,
                               PrintWriter progress) {
        BeamSearcher searcher = new BeamSearcher(segment);
        List<SearchRow> rows = new ArrayList<>();
        for (int beam : config.beams()) {
            // As RecallSweep does: a beam narrower than K can only return beam items, so measure it at K = beam.
            int k = Math.min(config.k(), beam);
            Quality q = quality(segment, searcher, histories, truth, k, beam);
            for (int threads : config.threads()) {
                Timing.Samples s = Timing.measure(threads, config.seconds(), thread -> {
                    SearchContext ctx = searcher.newContext();
                    SearchResult result = new SearchResult(k);
                    return i -> {
                        long[] history = histories[i % config.queries()];
                        searcher.search(ctx.reset().history(history, history.length), k, beam, result);
                    };
                });
                double mean = s.meanMs();
                rows.add(new SearchRow(segment.itemCount(), model, beam, k, threads, s.count(), mean, s.percentileMs(0.5),
                        s.percentileMs(0.99), s.percentileMs(0.999), s.perSecond(), q.recall(), truth.length,
                        q.scoredNodes(), 2 * q.naiveMacs() / 1e6, 2 * q.rearrangedMacs() / 1e6,
                        2 * q.rearrangedMacs() / (mean / 1e3) / 1e9, Double.NaN));
                progress.printf("  beam %4d, %d thread%s: recall@%d %.3f  p50 %.2f ms  p99 %.2f ms  %.0f QPS  (%d searches)%n",
                        beam, threads, threads == 1 ? " " : "s", k, q.recall(), s.percentileMs(0.5), s.percentileMs(0.99),
                        s.perSecond(), s.count()).flush();
            }
        }
        return rows;
    }

    private static Quality quality(TreeSegment segment, BeamSearcher searcher, long[][] histories, long[][] truth, int k,
                                   int beam) {
        NodeScorer scorer = segment.scorer();
        ModelArchitecture arch = segment.architecture();
        SearchContext ctx = searcher.newContext();
        SearchResult result = new SearchResult(k);
        long hits = 0, relevant = 0;
        double scored = 0, naive = 0, rearranged = 0;
        for (int q = 0; q < truth.length; q++) {
            searcher.search(ctx.reset().history(histories[q], histories[q].length), k, beam, result);
            Set<Long> exact = new HashSet<>();
            for (int i = 0; i < Math.min(k, truth[q].length); i++) {
                exact.add(truth[q][i]);
            }
            for (int i = 0; i < result.count(); i++) {
                hits += exact.contains(result.itemId(i)) ? 1 : 0;
            }
            relevant += exact.size();
            int validSlots = Math.min(histories[q].length, arch.historyLength());
            long nodes = ctx.scoredNodes();
            scored += nodes;
            naive += (double) nodes * arch.naiveMacsPerCandidate();
            rearranged += scorer.prepareMacs(validSlots) + (double) nodes * scorer.macsPerCandidate(validSlots);
        }
        int n = truth.length;
        return new Quality((double) hits / relevant, scored / n, naive / n, rearranged / n);
    }
}
