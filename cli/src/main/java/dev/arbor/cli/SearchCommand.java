package dev.arbor.cli;

import dev.arbor.format.SegmentFormat;
import dev.arbor.lattice.ItemCollector;
import dev.arbor.lattice.LatticeContext;
import dev.arbor.lattice.LatticeModelScorer;
import dev.arbor.lattice.LatticeSearcher;
import dev.arbor.lattice.TopPaths;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.reader.TreeSegment;
import dev.arbor.scorer.Kernels;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "search", description = "Top-K items for a history of item ids, by beam search (or --brute-force) over a"
        + " tree, or over a path lattice's paths with reranking.")
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

    @Option(names = "--beam", defaultValue = "100", description = "Beam width per level (default: ${DEFAULT-VALUE}).")
    int beam;

    @Option(names = "--brute-force", description = "Score every item instead of beam search.")
    boolean bruteForce;

    @Option(names = "--keep-history", description = "Allow items of the history in the results (excluded by default).")
    boolean keepHistory;

    @Option(names = "--no-verify", description = "Skip the full checksum pass at open (fast open for large segments).")
    boolean noVerify;

    /** Candidates collected from the top paths for each result the reranker returns. */
    private static final int CANDIDATES_PER_RESULT = 10;

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
        if (IndexDirectory.kind(dir) == SegmentFormat.INDEX_KIND_PATH_LATTICE) {
            return searchLattice(ids, out);
        }
        long t0 = System.nanoTime();
        try (TreeSegment s = noVerify ? IndexDirectory.openLatest(dir) : IndexDirectory.openLatestVerified(dir)) {
            long t1 = System.nanoTime();
            BeamSearcher searcher = new BeamSearcher(s);
            int[] history = ordinals(ids, s::ordinalOf, s.describe());
            SearchContext ctx = searcher.newContext().historyOrdinals(history, history.length);
            if (!keepHistory) {
                for (int ordinal : history) {
                    ctx.excludeOrdinal(ordinal);
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
                out.printf("%-5d %-20s %.5f%n", i + 1, s.itemIdText(result.ordinal(i)), result.score(i));
            }
            out.printf("%d results; %s scored %,d nodes (the index holds %,d items) in %.2f ms (cold, first query); open%s %.1f ms%n",
                    result.count(), bruteForce ? "brute force" : "beam " + beam, ctx.scoredNodes(), s.itemCount(),
                    (t3 - t2) / 1e6, noVerify ? "" : " + verify", (t1 - t0) / 1e6);
        }
        return 0;
    }

    /**
     * Deep Retrieval: the top {@code --beam} paths by beam search over the lattice, their items collected (each once,
     * the history excluded unless kept) up to {@link #CANDIDATES_PER_RESULT} per result, reranked to the top k.
     */
    private int searchLattice(String[] ids, java.io.PrintWriter out) throws java.io.IOException {
        if (bruteForce) {
            throw new IllegalArgumentException("--brute-force scores every item of a tree; a path lattice is searched by"
                    + " its paths only");
        }
        long t0 = System.nanoTime();
        try (LatticeSegment s = noVerify ? IndexDirectory.openLatestLattice(dir) : IndexDirectory.openLatestLatticeVerified(dir)) {
            long t1 = System.nanoTime();
            LatticeModelScorer scorer = s.scorer(Kernels.best());
            LatticeSearcher<LatticeModelScorer.User> searcher = new LatticeSearcher<>(scorer);
            LatticeContext<LatticeModelScorer.User> ctx = searcher.newContext();
            int[] history = ordinals(ids, s::ordinalOf, "segment " + s.directory());
            if (!keepHistory) {
                for (int ordinal : history) {
                    ctx.excludeOrdinal(ordinal);
                }
            }
            long t2 = System.nanoTime();
            scorer.prepare(ctx.user(), history, history.length);
            TopPaths paths = new TopPaths(beam);
            searcher.search(ctx, beam, beam, paths);
            int[] candidates = new int[Math.max(k, CANDIDATES_PER_RESULT * k)];
            int count = new ItemCollector(s).collect(ctx, paths, candidates.length, candidates);
            SearchResult result = new SearchResult(k);
            new ItemCollector(s).rerank(ctx, scorer, candidates, count, Math.min(k, count), result);
            long t3 = System.nanoTime();
            out.printf("%-5s %-20s %s%n", "rank", "item", "rerank score");
            for (int i = 0; i < result.count(); i++) {
                out.printf("%-5d %-20s %.5f%n", i + 1, s.itemIdText(result.ordinal(i)), result.score(i));
            }
            out.printf("%d results; beam %d over a %d x %d lattice gave %d paths and %,d candidates (the index holds %,d"
                    + " items) in %.2f ms (cold, first query); open%s %.1f ms%n", result.count(), beam, s.k(), s.depth(),
                    paths.count(), count, s.itemCount(), (t3 - t2) / 1e6, noVerify ? "" : " + verify", (t1 - t0) / 1e6);
        }
        return 0;
    }

    /** The segment's ordinal of each id of the history; an id it does not hold is an error that names it. */
    private static int[] ordinals(String[] ids, ToIntFunction<String> ordinalOf, String segment) {
        int[] ordinals = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            ordinals[i] = ordinalOf.applyAsInt(ids[i]);
            if (ordinals[i] < 0) {
                throw new IllegalArgumentException("unknown item id " + ids[i] + " in --history: not in " + segment);
            }
        }
        return ordinals;
    }
}
