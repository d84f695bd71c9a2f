package dev.arbor.cli;

import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "search", description = "Top-K items for a history of item ids, by beam search (or --brute-force).")
final class SearchCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Index directory.")
    Path dir;

    @Option(names = "--history", required = true, description = "Comma-separated item ids, most recent last.")
    String history;

    @Option(names = "-k", defaultValue = "10", description = "Number of results (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--beam", defaultValue = "100", description = "Beam width per level (default: ${DEFAULT-VALUE}).")
    int beam;

    @Option(names = "--brute-force", description = "Score every item instead of beam search.")
    boolean bruteForce;

    @Option(names = "--keep-history", description = "Allow items of the history in the results (excluded by default).")
    boolean keepHistory;

    @Option(names = "--no-verify", description = "Skip the full checksum pass at open (fast open for large segments).")
    boolean noVerify;

    @Override
    public Integer call() throws Exception {
        if (k < 1 || k > 1_000_000) {
            throw new IllegalArgumentException("-k must be in [1, 1000000], got " + k);
        }
        if (!bruteForce && beam < k) {
            throw new IllegalArgumentException("--beam " + beam + " is narrower than -k " + k);
        }
        long[] ids = CliSupport.parseIds("--history", history);
        var out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        try (TreeSegment s = noVerify ? IndexDirectory.openLatest(dir) : IndexDirectory.openLatestVerified(dir)) {
            long t1 = System.nanoTime();
            BeamSearcher searcher = new BeamSearcher(s);
            SearchContext ctx = searcher.newContext().history(ids, ids.length);
            if (!keepHistory) {
                for (long id : ids) {
                    ctx.exclude(id);
                }
            }
            SearchResult result = new SearchResult(k);
            long t2 = System.nanoTime();
            if (bruteForce) {
                searcher.bruteForce(ctx, k, result);
            } else {
                searcher.search(ctx, k, beam, result);
            }
            long t3 = System.nanoTime();
            out.printf("%-5s %-20s %s%n", "rank", "item", "score");
            for (int i = 0; i < result.count(); i++) {
                out.printf("%-5d %-20d %.5f%n", i + 1, result.itemId(i), result.score(i));
            }
            out.printf("%d results; %s scored %,d nodes (the index holds %,d items) in %.2f ms (cold, first query); open%s %.1f ms%n",
                    result.count(), bruteForce ? "brute force" : "beam " + beam, ctx.scoredNodes(), s.itemCount(),
                    (t3 - t2) / 1e6, noVerify ? "" : " + verify", (t1 - t0) / 1e6);
        }
        return 0;
    }
}
