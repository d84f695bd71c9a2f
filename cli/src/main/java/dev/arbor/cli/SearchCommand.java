package dev.arbor.cli;

import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.SegmentSearcher;
import dev.arbor.search.SearchResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "search", description = "Top-K items for a history of item ids: beam search over a tree, or a path"
        + " lattice's top --beam paths with their items reranked; --brute-force scores every item (the lattice's"
        + " reranker over all items).")
final class SearchCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Index directory.")
    Path dir;

    @Option(names = "--history", required = true, description = "Comma-separated item ids (integers or names), most"
            + " recent last.")
    String history;

    @Option(names = "-k", defaultValue = "10", description = "Number of results (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--beam", defaultValue = "100", description = "Beam width per level of a tree, or the number of"
            + " paths of a lattice (default: ${DEFAULT-VALUE}).")
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
        String[] ids = CliSupport.idTexts("--history", history);
        var out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        try (SegmentSearcher s = IndexDirectory.openLatestSearcher(dir, !noVerify)) {
            long t1 = System.nanoTime();
            int[] history = ordinals(ids, s);
            SegmentSearcher.Query query = s.newQuery().history(history, history.length);
            if (!keepHistory) {
                for (int ordinal : history) {
                    query.excludeOrdinal(ordinal);
                }
            }
            SearchResult result = new SearchResult(k);
            long t2 = System.nanoTime();
            if (bruteForce) {
                query.bruteForce(k, result);
            } else {
                query.search(k, beam, result);
            }
            long t3 = System.nanoTime();
            out.printf("%-5s %-20s %s%n", "rank", "item", "score");
            for (int i = 0; i < result.count(); i++) {
                out.printf("%-5d %-20s %.5f%n", i + 1, s.itemIdText(result.ordinal(i)), result.score(i));
            }
            out.printf("%d results; %s over the %s scored %,d %s (the index holds %,d items) in %.2f ms (cold, first"
                    + " query); open%s %.1f ms%n", result.count(), bruteForce ? "brute force" : "beam " + beam,
                    s.kind().label(), query.scored(), s.kind().workUnit(), s.itemCount(), (t3 - t2) / 1e6,
                    noVerify ? "" : " + verify", (t1 - t0) / 1e6);
        }
        return 0;
    }

    /** The segment's ordinal of each id of the history; an id it does not hold is an error that names it. */
    private static int[] ordinals(String[] ids, SegmentSearcher segment) {
        int[] ordinals = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            ordinals[i] = segment.ordinalOf(ids[i]);
            if (ordinals[i] < 0) {
                throw new IllegalArgumentException("unknown item id " + ids[i] + " in --history: not in "
                        + segment.describe());
            }
        }
        return ordinals;
    }
}
