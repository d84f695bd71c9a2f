package dev.arbor.bench.harness;

import dev.arbor.bench.harness.BenchResults.SearchRow;
import dev.arbor.format.LatticeShape;
import dev.arbor.lattice.ItemCollector;
import dev.arbor.lattice.LatticeContext;
import dev.arbor.lattice.LatticeModelScorer;
import dev.arbor.lattice.LatticeSearcher;
import dev.arbor.lattice.TopPaths;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.scorer.Kernels;
import dev.arbor.search.SearchResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The Deep Retrieval rows of {@code arbor bench --lattice-beams}: on a synthetic lattice over the tree's items, for each
 * path beam B, beam search keeps B prefixes per layer, the top B paths' items (every one, each once) are collected and
 * the reranker keeps the top K; one timed operation is all of it, the user's encoding included, as {@code arbor search}
 * runs it. Recall is against the reranker's brute force over every item, as the tree's is against its own model's:
 * each index against its own exact answer, on the same query histories, so that the two compare on speed at equal
 * recall.
 */
final class LatticeSearchBench {
    static final String MODEL = "lattice";

    private LatticeSearchBench() {
    }

    /** Averages over the recall queries of one beam. */
    private record Quality(double recall, double candidates) {
    }

    static List<SearchRow> run(BenchConfig config, LatticeSegment segment, long[][] histories, int recallQueries,
                               PrintWriter progress) {
        LatticeModelScorer scorer = segment.scorer(Kernels.best());
        LatticeSearcher<LatticeModelScorer.User> searcher = new LatticeSearcher<>(scorer);
        ItemCollector collector = new ItemCollector(segment);
        int[][] ordinals = new int[histories.length][];
        for (int q = 0; q < histories.length; q++) {
            ordinals[q] = new int[histories[q].length];
            for (int i = 0; i < ordinals[q].length; i++) {
                ordinals[q][i] = segment.ordinalOf(histories[q][i]);
            }
        }
        int k = config.k();
        Query exact = new Query(searcher, collector, scorer, segment.itemCount(), 1, k);
        int[][] truth = new int[Math.min(recallQueries, histories.length)][];
        for (int q = 0; q < truth.length; q++) {
            truth[q] = exact.bruteForce(ordinals[q]);
        }
        List<SearchRow> rows = new ArrayList<>();
        for (int beam : config.lattice().beams()) {
            Quality quality = quality(new Query(searcher, collector, scorer, segment.itemCount(), beam, k), ordinals,
                    truth);
            double scoredPaths = scoredPaths(segment.lattice(), beam);
            for (int threads : config.threads()) {
                Timing.Samples s = Timing.measure(threads, config.seconds(), thread -> {
                    Query query = new Query(searcher, collector, scorer, segment.itemCount(), beam, k);
                    return i -> query.search(ordinals[i % config.queries()]);
                });
                rows.add(new SearchRow(segment.itemCount(), MODEL, beam, k, threads, s.count(), s.meanMs(),
                        s.percentileMs(0.5), s.percentileMs(0.99), s.percentileMs(0.999), s.perSecond(),
                        quality.recall(), truth.length, scoredPaths, 0, 0, 0, quality.candidates()));
                progress.printf("  lattice beam %4d, %d thread%s: recall@%d %.3f  p50 %.2f ms  p99 %.2f ms  %.0f QPS"
                                + "  (%,.0f candidates, %d searches)%n", beam, threads, threads == 1 ? " " : "s", k,
                        quality.recall(), s.percentileMs(0.5), s.percentileMs(0.99), s.perSecond(),
                        quality.candidates(), s.count()).flush();
            }
        }
        return rows;
    }

    /** One thread's query state: a search, its paths, the candidates (room for every item) and the top K. */
    private static final class Query {
        final LatticeSearcher<LatticeModelScorer.User> searcher;
        final ItemCollector collector;
        final LatticeModelScorer scorer;
        final LatticeContext<LatticeModelScorer.User> ctx;
        final TopPaths paths;
        final int[] candidates;
        final SearchResult result;
        final int beam, k;

        Query(LatticeSearcher<LatticeModelScorer.User> searcher, ItemCollector collector, LatticeModelScorer scorer,
              int items, int beam, int k) {
            this.searcher = searcher;
            this.collector = collector;
            this.scorer = scorer;
            this.ctx = searcher.newContext();
            this.paths = new TopPaths(beam);
            this.candidates = new int[items];
            this.result = new SearchResult(k);
            this.beam = beam;
            this.k = k;
        }

        /** The top {@code beam} paths' items reranked; returns how many the reranker scored. */
        int search(int[] history) {
            scorer.prepare(ctx.reset().user(), history, history.length);
            searcher.search(ctx, beam, beam, paths);
            int count = collector.collect(ctx, paths, candidates.length, candidates);
            if (count > 0) {
                collector.rerank(ctx, scorer, candidates, count, Math.min(k, count), result);
            } else {
                result.clear();
            }
            return count;
        }

        /** The reranker's exact top K over every item. */
        int[] bruteForce(int[] history) {
            scorer.prepare(ctx.reset().user(), history, history.length);
            for (int i = 0; i < candidates.length; i++) {
                candidates[i] = i;
            }
            collector.rerank(ctx, scorer, candidates, candidates.length, Math.min(k, candidates.length), result);
            return top();
        }

        int[] top() {
            int[] top = new int[result.count()];
            for (int i = 0; i < top.length; i++) {
                top[i] = result.ordinal(i);
            }
            return top;
        }
    }

    private static Quality quality(Query query, int[][] histories, int[][] truth) {
        double recall = 0, candidates = 0;
        for (int q = 0; q < truth.length; q++) {
            candidates += query.search(histories[q]);
            BitSet exact = new BitSet();
            for (int item : truth[q]) {
                exact.set(item);
            }
            int hits = 0;
            for (int item : query.top()) {
                hits += exact.get(item) ? 1 : 0;
            }
            recall += (double) hits / truth[q].length;
        }
        return truth.length == 0 ? new Quality(Double.NaN, Double.NaN)
                : new Quality(recall / truth.length, candidates / truth.length);
    }

    /** Paths the model scores per query: K on the first layer, then K per kept prefix, at most K^d of them. */
    static double scoredPaths(LatticeShape lattice, int beam) {
        double scored = 0;
        for (int layer = 0; layer < lattice.depth(); layer++) {
            scored += (double) Math.min(beam, lattice.prefixes(layer)) * lattice.k();
        }
        return scored;
    }
}
