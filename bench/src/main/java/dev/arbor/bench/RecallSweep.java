package dev.arbor.bench;

import dev.arbor.format.ModelKind;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Beam search against brute force on a synthetic index: recall@K of the beam's top-K within the exact
 * top-K, per beam width, with latency percentiles. Usage:
 * {@code RecallSweep items branching model queries k beam1,beam2,...}.
 */
public final class RecallSweep {
    public static void main(String[] args) throws Exception {
        int items = Integer.parseInt(args[0]);
        int branching = Integer.parseInt(args[1]);
        ModelKind kind = ModelKind.valueOf(args[2]);
        int queries = Integer.parseInt(args[3]);
        int k = Integer.parseInt(args[4]);
        int[] beams = Arrays.stream(args[5].split(",")).mapToInt(Integer::parseInt).toArray();
        System.err.printf("fixture: %,d items, B=%d, %s%n", items, branching, kind);
        SyntheticFixture fixture = SyntheticFixture.create(items, branching, kind, queries);
        try (TreeSegment segment = IndexDirectory.openLatest(fixture.directory)) {
            BeamSearcher searcher = new BeamSearcher(segment);
            long[][] truth = new long[queries][];
            AtomicInteger done = new AtomicInteger();
            long t0 = System.nanoTime();
            ThreadLocal<SearchContext> contexts = ThreadLocal.withInitial(searcher::newContext);
            IntStream.range(0, queries).parallel().forEach(q -> {
                SearchContext ctx = contexts.get().reset().history(fixture.histories[q], fixture.histories[q].length);
                SearchResult r = new SearchResult(k);
                searcher.bruteForce(ctx, k, r);
                truth[q] = new long[r.count()];
                for (int i = 0; i < r.count(); i++) {
                    truth[q][i] = r.itemId(i);
                }
                System.err.printf("\rbrute force: %d/%d queries", done.incrementAndGet(), queries);
            });
            System.err.printf("%nbrute force: %.1f s per query per thread%n", (System.nanoTime() - t0) / 1e9 * 2 / queries);
            System.out.println("items,branching,model,k,beam,recall_at_k,mean_ms,p50_ms,p99_ms,scored_nodes_per_query");
            SearchContext ctx = searcher.newContext();
            for (int beam : beams) {
                int kk = Math.min(k, beam);
                SearchResult r = new SearchResult(kk);
                long[] nanos = new long[queries];
                long hits = 0, total = 0, scored = 0;
                for (int warm = 0; warm < Math.min(queries, 20); warm++) {
                    searcher.search(ctx.reset().history(fixture.histories[warm], 69), kk, beam, r);
                }
                for (int q = 0; q < queries; q++) {
                    long s = System.nanoTime();
                    searcher.search(ctx.reset().history(fixture.histories[q], 69), kk, beam, r);
                    nanos[q] = System.nanoTime() - s;
                    scored += ctx.scoredNodes();
                    Set<Long> exact = new HashSet<>();
                    for (int i = 0; i < Math.min(kk, truth[q].length); i++) {
                        exact.add(truth[q][i]);
                    }
                    for (int i = 0; i < r.count(); i++) {
                        hits += exact.contains(r.itemId(i)) ? 1 : 0;
                    }
                    total += exact.size();
                }
                Arrays.sort(nanos);
                System.out.printf("%d,%d,%s,%d,%d,%.4f,%.2f,%.2f,%.2f,%d%n", items, branching, kind, kk, beam,
                        (double) hits / total, Arrays.stream(nanos).average().orElse(0) / 1e6, nanos[queries / 2] / 1e6,
                        nanos[Math.min(queries - 1, (int) Math.ceil(queries * 0.99) - 1)] / 1e6, scored / queries);
            }
        }
    }
}
