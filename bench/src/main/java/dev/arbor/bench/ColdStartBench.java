package dev.arbor.bench;

import dev.arbor.format.ModelKind;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.PageAdvice;
import dev.arbor.reader.TreeSegment;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Cold start of a freshly shipped segment: its files are evicted from the page cache, the segment is
 * opened, a paging mode is applied, and the first queries are timed.
 *
 * <p>Modes: {@code none} (as opened: every file {@code MADV_RANDOM}), {@code normal} ({@code MADV_NORMAL}
 * after the open: the kernel's default read-around for the queries), {@code willneed} ({@code MADV_WILLNEED} on every file), {@code load}
 * ({@link MemorySegment#load()} on every file: a synchronous pre-fault), {@code willneed-bg} (the same
 * {@code MADV_WILLNEED} from a background thread while the queries run), {@code warm} (files fully in the
 * page cache before the open: the baseline). Each repeat runs every mode once, in a rotated order.
 *
 * <pre>
 * java @jvm.options -cp bench/target/arbor-benchmarks.jar dev.arbor.bench.ColdStartBench \
 *     [--items 1e6] [--branching 2] [--model attention|mlp] [--repeats 3] [--modes none,normal,willneed,load,warm]
 *     [--queries 10] [--tail 90] [-k 200] [--beam 400]
 * </pre>
 */
public final class ColdStartBench {
    private record Trial(String mode, double residentBefore, double openMs, double adviceMs, double firstMs,
                         double nextMeanMs, double totalMs, double residentAfter, double tailMeanMs,
                         double residentEnd, double backgroundMs) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        int items = (int) Double.parseDouble(opts.getOrDefault("--items", "1e6"));
        int branching = Integer.parseInt(opts.getOrDefault("--branching", "2"));
        ModelKind kind = opts.getOrDefault("--model", "attention").startsWith("mlp") ? ModelKind.MLP
                : ModelKind.ATTENTION_DNN;
        int repeats = Integer.parseInt(opts.getOrDefault("--repeats", "3"));
        List<String> modes = List.of(opts.getOrDefault("--modes", "none,normal,willneed,willneed-bg,load,warm").split(","));
        int queries = Integer.parseInt(opts.getOrDefault("--queries", "10"));
        int k = Integer.parseInt(opts.getOrDefault("-k", "200"));
        int beam = Integer.parseInt(opts.getOrDefault("--beam", "400"));
        int tail = Integer.parseInt(opts.getOrDefault("--tail", "90"));
        if (!PageAdvice.supported() || !PageCache.supported()) {
            throw new IllegalStateException("madvise/mincore/posix_fadvise are not available here: Linux only");
        }

        String command = "java @jvm.options -cp bench/target/arbor-benchmarks.jar " + ColdStartBench.class.getName()
                + (args.length == 0 ? "" : " " + String.join(" ", args));
        System.out.println("command: " + command);
        System.out.println("jvm: " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));

        int warmupQueries = Math.max(200, tail);
        Path indexDir;
        long[][] histories;
        {
            SyntheticFixture fixture = SyntheticFixture.create(items, branching, kind, warmupQueries + queries + tail);
            indexDir = fixture.directory;
            histories = fixture.histories;
        } // the in-memory index goes out of scope: only the files are measured
        System.gc();

        // Compile the search path on a warm segment first, so that the first query of a trial measures paging,
        // not the JIT. The measured queries use histories the warm-up did not.
        List<Path> files;
        try (TreeSegment segment = IndexDirectory.openLatest(indexDir)) {
            files = segmentFiles(segment.directory(), indexDir);
            BeamSearcher searcher = new BeamSearcher(segment);
            SearchContext ctx = searcher.newContext();
            SearchResult result = new SearchResult(k);
            long t0 = System.nanoTime();
            for (int rep = 0; rep < 10; rep++) {
                for (int q = queries; q < queries + warmupQueries; q++) {
                    searcher.search(ctx.reset().history(histories[q], histories[q].length), k, beam, result);
                }
            }
            System.out.printf(Locale.ROOT, "warm-up: %d queries, %.2f ms each on a warm segment%n",
                    10 * warmupQueries, (System.nanoTime() - t0) / 1e6 / (10 * warmupQueries));
        }
        long totalBytes = 0;
        for (Path f : files) {
            totalBytes += Files.size(f);
        }
        System.out.printf(Locale.ROOT, "segment %s: %d files, %.1f MiB; page size %d; %d items, B=%d, %s, k=%d, beam=%d%n",
                files.getFirst().getParent(), files.size(), totalBytes / 1048576.0, PageAdvice.pageSize(), items,
                branching, kind, k, beam);

        List<Trial> trials = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            for (int i = 0; i < modes.size(); i++) {
                String mode = modes.get((i + r) % modes.size());
                Trial t = trial(mode, indexDir, files, histories, queries, tail, k, beam);
                trials.add(t);
                System.out.printf(Locale.ROOT, "round %d %-8s resident before %5.1f%%  open %7.2f ms  advice %7.2f ms  "
                                + "q1 %7.2f ms  q2-%d %7.2f ms  total %8.2f ms  resident after %5.1f%%  next %d %7.2f ms"
                                + "  resident end %5.1f%%  background %.1f ms%n", r + 1, mode,
                        t.residentBefore, t.openMs, t.adviceMs, t.firstMs, queries, t.nextMeanMs, t.totalMs,
                        t.residentAfter, tail, t.tailMeanMs, t.residentEnd, t.backgroundMs);
            }
        }

        System.out.println();
        System.out.printf("Medians of %d runs per mode; %d items, B=%d, %s, k=%d, beam=%d, %.0f MiB segment%n%n", repeats,
                items, branching, kind, k, beam, totalBytes / 1048576.0);
        System.out.println("| mode | resident before | open (ms) | advice (ms) | query 1 (ms) | queries 2-" + queries
                + " mean (ms) | open+advice+" + queries + " queries (ms) | resident after " + queries + " queries | queries "
                + (queries + 1) + "-" + (queries + tail) + " mean (ms) | resident after " + (queries + tail) + " |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String mode : modes) {
            List<Trial> ts = trials.stream().filter(t -> t.mode.equals(mode)).toList();
            System.out.printf(Locale.ROOT, "| %s | %.1f%% | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f%% | %.2f | %.1f%% |%n",
                    mode, median(ts, Trial::residentBefore), median(ts, Trial::openMs), median(ts, Trial::adviceMs),
                    median(ts, Trial::firstMs), median(ts, Trial::nextMeanMs), median(ts, Trial::totalMs),
                    median(ts, Trial::residentAfter), median(ts, Trial::tailMeanMs), median(ts, Trial::residentEnd));
        }
        System.out.println();
        System.out.println("command: " + command);
    }

    private static Trial trial(String mode, Path indexDir, List<Path> files, long[][] histories, int queries, int tail,
                               int k, int beam) throws Exception {
        if (mode.equals("warm")) {
            for (Path f : files) {
                // Page cache hot (through a throw-away mapping): the baseline a cold start is compared with.
                try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                    ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena).load();
                }
            }
        } else {
            for (Path f : files) {
                PageCache.evict(f);
            }
        }
        long pages = 0, resident = 0;
        for (Path f : files) {
            pages += PageCache.pages(f);
            resident += PageCache.residentPages(f);
        }
        double residentBefore = 100.0 * resident / pages;

        long t0 = System.nanoTime();
        try (TreeSegment segment = IndexDirectory.openLatest(indexDir)) {
            long t1 = System.nanoTime();
            long[] backgroundEnd = {0};
            Thread background = null;
            switch (mode) {
                case "none", "warm" -> {
                }
                case "normal" -> segment.advise(PageAdvice.Access.NORMAL);
                case "willneed" -> segment.advise(PageAdvice.Access.WILLNEED);
                case "willneed-bg" -> background = Thread.ofPlatform().start(() -> {
                    segment.advise(PageAdvice.Access.WILLNEED);
                    backgroundEnd[0] = System.nanoTime();
                });
                case "load" -> segment.mappings().forEach(MemorySegment::load);
                default -> throw new IllegalArgumentException("unknown mode " + mode
                        + " (none, normal, willneed, willneed-bg, load, warm)");
            }
            long t2 = System.nanoTime();
            BeamSearcher searcher = new BeamSearcher(segment);
            SearchContext ctx = searcher.newContext();
            SearchResult result = new SearchResult(k);
            long[] ends = new long[queries];
            long start = System.nanoTime();
            for (int q = 0; q < queries; q++) {
                searcher.search(ctx.reset().history(histories[q], histories[q].length), k, beam, result);
                ends[q] = System.nanoTime();
            }
            double residentAfter = residency(segment);
            // Time to full speed: the next queries (histories not used so far), and the residency they leave.
            long tailStart = System.nanoTime();
            for (int q = 0; q < tail; q++) {
                long[] h = histories[histories.length - tail + q];
                searcher.search(ctx.reset().history(h, h.length), k, beam, result);
            }
            double tailMean = tail > 0 ? (System.nanoTime() - tailStart) / 1e6 / tail : Double.NaN;
            if (background != null) {
                background.join();
            }
            double first = (ends[0] - start) / 1e6;
            double next = queries > 1 ? (ends[queries - 1] - ends[0]) / 1e6 / (queries - 1) : Double.NaN;
            return new Trial(mode, residentBefore, (t1 - t0) / 1e6, (t2 - t1) / 1e6, first, next,
                    (ends[queries - 1] - t0) / 1e6, residentAfter, tailMean, residency(segment),
                    background == null ? Double.NaN : (backgroundEnd[0] - t1) / 1e6);
        }
    }

    /** Percentage of the segment's mapped pages resident in RAM. */
    private static double residency(TreeSegment segment) {
        long pages = 0, resident = 0;
        for (MemorySegment m : segment.mappings()) {
            pages += PageCache.pages(m);
            resident += PageCache.residentPages(m);
        }
        return 100.0 * resident / pages;
    }

    /** The live segment's files and the commit file. */
    private static List<Path> segmentFiles(Path segmentDir, Path indexDir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(segmentDir)) {
            s.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        files.add(indexDir.resolve("commit.arb"));
        return files;
    }

    private static double median(List<Trial> ts, java.util.function.ToDoubleFunction<Trial> f) {
        double[] v = ts.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("-") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got " + Arrays.toString(args));
            }
            opts.put(args[i], args[++i]);
        }
        return opts;
    }
}
