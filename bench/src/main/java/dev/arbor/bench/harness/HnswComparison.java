package dev.arbor.bench.harness;

import dev.arbor.dataset.HeldOutUsers;
import dev.arbor.eval.QualityReport;
import dev.arbor.eval.TwoTower;
import dev.arbor.progress.ProgressListener;
import dev.arbor.reader.TreeSegment;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What Arbor's recall buys at what latency, against the index a two-tower user would deploy: the two-tower's item
 * vectors in an HNSW graph ({@link HnswIndex}), searched with the user tower's vector. Every configuration runs the same
 * held-out users once, on one thread, after a warm-up pass; each query is timed alone and its list scored against the
 * user's held-out truth, so recall and latency come from the same queries. Every index excludes the user's input items
 * inside its search, as a server would: the tree through its search context, the graph through its accept bits.
 */
public final class HnswComparison {
    /** Queries of the warm-up pass that each configuration runs, untimed, before its measured pass. */
    private static final int WARM_UP_QUERIES = 300;

    /** One configuration's figures: recall at K against the held-out truth, and the latency of a query. */
    public record Point(String index, String setting, double recall, double p50Ms, double p99Ms, double meanMs) {
    }

    /** A trained segment and the name it has in the table. */
    public record NamedTree(String name, TreeSegment segment) {
    }

    private final HeldOutUsers users;
    private final int k;
    private final ProgressListener progress;
    private final List<Point> points = new ArrayList<>();

    public HnswComparison(HeldOutUsers users, int k, ProgressListener progress) {
        if (k < 1) {
            throw new IllegalArgumentException("K must be >= 1, got " + k);
        }
        if (users.size() == 0) {
            throw new IllegalArgumentException("no held-out users to compare on");
        }
        this.users = users;
        this.k = k;
        this.progress = progress;
    }

    public List<Point> points() {
        return List.copyOf(points);
    }

    /** Beam search in the tree at each beam width (raised to K), excluding the input inside the search. */
    public void tree(NamedTree tree, int[] beams) {
        BeamSearcher searcher = new BeamSearcher(tree.segment());
        SearchContext ctx = searcher.newContext();
        SearchResult result = new SearchResult(k);
        for (int beam : beams) {
            int width = Math.max(k, beam);
            measure(tree.name(), "beam " + width, (input, out) -> {
                ctx.reset().historyOrdinals(input, input.length);
                for (int item : input) {
                    ctx.excludeOrdinal(item);
                }
                searcher.search(ctx, k, width, result);
                for (int i = 0; i < result.count(); i++) {
                    out[i] = result.ordinal(i);
                }
                return result.count();
            });
        }
    }

    /** The two-tower's exact top K: the user vector against every item vector, the input excluded. */
    public void exactTwoTower(TwoTower tower) {
        var exact = tower.excludingInput();
        measure("two-tower", "exact (all items)", (input, out) -> {
            int[] ranked = exact.recommend(input, k);
            System.arraycopy(ranked, 0, out, 0, ranked.length);
            return ranked.length;
        });
    }

    /**
     * The two-tower's item vectors in an HNSW graph, searched at each beam (efSearch) with the user tower's vector;
     * returns the graph's build time in seconds.
     */
    public double hnsw(TwoTower tower, int degree, int constructionBeam, int[] beams) {
        HnswIndex.Options options = new HnswIndex.Options(degree, constructionBeam, HnswIndex.Options.DEFAULTS.neighbourOverflow(),
                HnswIndex.Options.DEFAULTS.alpha());
        int n = tower.numItems();
        int dim = tower.dim();
        float[] rows = new float[n * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(tower.itemVector(i), 0, rows, i * dim, dim);
        }
        progress.message(String.format(Locale.ROOT, "building the HNSW graph over %,d item vectors of dimension %d", n,
                dim));
        HnswIndex index = HnswIndex.build(rows, n, dim, options);
        HnswIndex.Searcher searcher = index.newSearcher();
        boolean[] seen = new boolean[n];
        for (int beam : beams) {
            int width = Math.max(k, beam);
            measure("two-tower + HNSW", "efSearch " + width, (input, out) -> {
                for (int item : input) {
                    seen[item] = true;
                }
                int found = searcher.search(tower.userVector(input), k, width, item -> !seen[item], out);
                for (int item : input) {
                    seen[item] = false;
                }
                return found;
            });
        }
        return index.buildSeconds();
    }

    private interface Query {
        /** Writes the user's top K item ordinals into {@code out} and returns how many there are. */
        int run(int[] input, int[] out);
    }

    private void measure(String index, String setting, Query query) {
        int[] out = new int[k];
        int warmUp = Math.min(WARM_UP_QUERIES, users.size());
        for (int i = 0; i < warmUp; i++) {
            query.run(users.input(i), out);
        }
        QualityReport report = new QualityReport(k);
        long[] nanos = new long[users.size()];
        progress.message(index + ", " + setting + ": " + users.size() + " queries");
        for (int i = 0; i < users.size(); i++) {
            int[] input = users.input(i);
            long t = System.nanoTime();
            int found = query.run(input, out);
            nanos[i] = System.nanoTime() - t;
            report.add(Arrays.copyOf(out, found), users.truth(i));
        }
        Timing.Samples samples = new Timing.Samples(nanos, Arrays.stream(nanos).sum());
        points.add(new Point(index, setting, report.recall(k), samples.percentileMs(0.5), samples.percentileMs(0.99),
                samples.meanMs()));
    }

    /** The points as a Markdown table. */
    public String table() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "| index | setting | R@%d | p50 ms | p99 ms | mean ms |%n|---|---|--:|--:|--:|--:|%n", k));
        for (Point p : points) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %.2f%% | %.3f | %.3f | %.3f |%n", p.index(), p.setting(),
                    100 * p.recall(), p.p50Ms(), p.p99Ms(), p.meanMs()));
        }
        return s.toString();
    }

    /** Writes {@code table.md}, {@code points.csv} and the recall-against-latency chart into {@code dir}. */
    public List<Path> write(Path dir, String title) {
        try {
            Files.createDirectories(dir);
            Path table = Files.writeString(dir.resolve("table.md"), table());
            StringBuilder csv = new StringBuilder("index,setting,recall,p50_ms,p99_ms,mean_ms\n");
            for (Point p : points) {
                csv.append(String.format(Locale.ROOT, "%s,%s,%.6f,%.4f,%.4f,%.4f%n", p.index(), p.setting(), p.recall(),
                        p.p50Ms(), p.p99Ms(), p.meanMs()));
            }
            Path csvFile = Files.writeString(dir.resolve("points.csv"), csv);
            Map<String, List<Point>> series = new LinkedHashMap<>();
            for (Point p : points) {
                series.computeIfAbsent(p.index(), x -> new ArrayList<>()).add(p);
            }
            Path chart = Plots.recallVsLatency(title, "R@" + k + " against the held-out truth", series,
                    dir.resolve("recall-vs-latency.png"));
            return List.of(table, csvFile, chart);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
