package dev.arbor.cli;

import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.reader.TreeSegment;
import dev.arbor.format.SegmentFormat;
import dev.arbor.dataset.DataFormat;
import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogs;
import dev.arbor.dataset.ReadOptions;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.eval.BaselineTuning;
import dev.arbor.eval.Evaluator;
import dev.arbor.eval.Histories;
import dev.arbor.eval.ItemCf;
import dev.arbor.eval.LatticeRecommender;
import dev.arbor.eval.TwoTower;
import dev.arbor.eval.TwoTowerOptions;
import dev.arbor.eval.SegmentQuality;
import dev.arbor.jobs.TrainJob;
import dev.arbor.progress.ProgressListener;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "eval", description = "Quality table of a trained segment on its data split (read from the segment), with baselines.")
final class EvalCommand implements Callable<Integer> {
    static final int[] DEFAULT_KS = {10, 50, 200};

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Index directory.")
    Path dir;

    @Option(names = "--beam", defaultValue = "200", description = "Beam width; raised to the largest K (default: ${DEFAULT-VALUE}).")
    int beam;

    @Option(names = "--baselines", description = "Also fit and evaluate Item-CF and the product DNN on the same split, each with its defaults and tuned on the"
            + " validation users (Item-CF: neighbours and normalisation; the product DNN: epochs).")
    boolean baselines;

    /** Which baselines to fit next to a segment. */
    enum Baselines { NONE, ITEM_CF, ALL }

    @Option(names = "--data", description = "Override the data path recorded in the segment.")
    Path data;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        ConsoleProgress progress = ConsoleProgress.onStderr();
        if (IndexDirectory.kind(dir) == SegmentFormat.INDEX_KIND_PATH_LATTICE) {
            try (LatticeSegment segment = IndexDirectory.openLatestLatticeVerified(dir)) {
                DataSplit dataSplit = split(segment.properties(), segment.itemCount(), segment::itemId, progress);
                out.printf("%s: a %d x %d path lattice, J = %d, %s; %,d test users%n", dir, segment.k(), segment.depth(),
                        segment.pathsPerItem(), segment.architecture(), dataSplit.test().size());
                QualityPrinter printer = new QualityPrinter(out, DEFAULT_KS);
                printer.segment(String.format(Locale.ROOT, "DR K=%d D=%d J=%d", segment.k(), segment.depth(),
                        segment.pathsPerItem()), "rerank brute force", SegmentQuality.measure(segment, dataSplit.test(),
                        beam, new Evaluator().withKs(DEFAULT_KS).withProgress(progress), DEFAULT_KS), 0);
                out.printf(Locale.ROOT, "beam %d paths hand the reranker %.1f items per test user on average (of %,d)%n",
                        beam, LatticeRecommender.meanCandidates(segment, dataSplit.test(), beam), segment.itemCount());
                baselines(printer, dataSplit, baselines ? Baselines.ALL : Baselines.NONE, progress);
            }
            return 0;
        }
        try (TreeSegment segment = IndexDirectory.openLatestVerified(dir)) {
            Map<String, String> p = segment.properties();
            DataSplit dataSplit = split(p, segment.itemCount(), segment::itemId, progress);
            out.printf("%s: %s tree, %s; %,d test users of %s%n", dir, p.getOrDefault("tree", "?"), segment.architecture(),
                    dataSplit.test().size(), data != null ? data : p.get(TrainJob.SOURCE_PATH));
            QualityPrinter printer = new QualityPrinter(out, DEFAULT_KS);
            printer.segment(label(segment, p.getOrDefault("tree", "?")), SegmentQuality.measure(segment, dataSplit.test(), beam,
                    new Evaluator().withKs(DEFAULT_KS).withProgress(progress), DEFAULT_KS), 0);
            baselines(printer, dataSplit, baselines ? Baselines.ALL : Baselines.NONE, progress);
        }
        return 0;
    }

    /** The split recorded in a segment's properties, rebuilt on its data (or --data), which must hold its items. */
    private DataSplit split(Map<String, String> p, int itemCount, java.util.function.IntToLongFunction itemId,
                            ProgressListener progress) throws java.io.IOException {
        Path path = data != null ? data : Path.of(required(p, TrainJob.SOURCE_PATH));
        DataFormat format = DataFormat.fromId(required(p, TrainJob.SOURCE_FORMAT));
        InteractionLog log = InteractionLogs.read(path, format, ReadOptions.DEFAULTS, progress);
        checkSameItems(itemCount, itemId, log);
        SplitOptions split = new SplitOptions(Long.parseLong(required(p, TrainJob.SPLIT_SEED)),
                Integer.parseInt(required(p, TrainJob.SPLIT_VALIDATION)), Integer.parseInt(required(p, TrainJob.SPLIT_TEST)));
        return DataSplit.of(log, split);
    }

    static String label(TreeSegment segment, String tree) {
        return "TDM " + segment.architecture().kind().name().toLowerCase(Locale.ROOT) + ", " + tree + " tree";
    }

    /**
     * Fits the chosen baselines on the split's training data and prints their rows for its test users; the progress
     * of fitting and evaluating goes to {@code progress}.
     */
    static void baselines(QualityPrinter printer, DataSplit split, Baselines which, ProgressListener progress) {
        if (which == Baselines.NONE) {
            return;
        }
        Evaluator evaluator = new Evaluator().withKs(DEFAULT_KS).withProgress(progress);
        int threads = Runtime.getRuntime().availableProcessors();
        long t = System.nanoTime();
        ItemCf itemCf = ItemCf.fit(Histories.of(split, true), ItemCf.DEFAULT_NEIGHBOURS, threads, progress);
        printer.row("Item-CF", "", String.format(Locale.ROOT, "fit %.1f s", (System.nanoTime() - t) / 1e9),
                evaluator.evaluate(itemCf, split.test()));
        if (split.validation().size() > 0) {
            t = System.nanoTime();
            BaselineTuning.Tuned<ItemCf> tuned = BaselineTuning.itemCf(split, threads, progress);
            printer.row("Item-CF, tuned on validation (" + tuned.settings() + ")", "",
                    String.format(Locale.ROOT, "tune %.1f s", (System.nanoTime() - t) / 1e9),
                    evaluator.evaluate(tuned.recommender(), split.test()));
        }
        if (which == Baselines.ALL) {
            t = System.nanoTime();
            TwoTower tower = TwoTower.train(split, TwoTowerOptions.DEFAULTS, progress);
            printer.row("Product DNN (two-tower)", "", String.format(Locale.ROOT, "fit %.1f s", (System.nanoTime() - t) / 1e9),
                    evaluator.evaluate(tower, split.test()));
            if (split.validation().size() > 0) {
                t = System.nanoTime();
                BaselineTuning.Tuned<TwoTower> tuned = BaselineTuning.twoTower(split, TwoTowerOptions.DEFAULTS, threads,
                        progress);
                printer.row("Product DNN (two-tower), tuned on validation (" + tuned.settings() + ")", "",
                        String.format(Locale.ROOT, "tune %.1f s", (System.nanoTime() - t) / 1e9),
                        evaluator.evaluate(tuned.recommender(), split.test()));
            }
        }
    }

    private String required(Map<String, String> p, String key) {
        String v = p.get(key);
        if (v == null) {
            throw new IllegalArgumentException(dir + ": the segment has no property " + key
                    + " (was it written by arbor train?)");
        }
        return v;
    }

    private static void checkSameItems(int itemCount, java.util.function.IntToLongFunction itemId, InteractionLog log) {
        long[] ids = log.itemIds();
        if (ids.length != itemCount) {
            throw new IllegalArgumentException("the data has " + ids.length + " items, the segment " + itemCount
                    + ": not the data it was trained on");
        }
        for (int i = 0; i < ids.length; i++) {
            if (itemId.applyAsLong(i) != ids[i]) {
                throw new IllegalArgumentException("item ordinal " + i + " is id " + ids[i] + " in the data but "
                        + itemId.applyAsLong(i) + " in the segment: not the data it was trained on");
            }
        }
    }
}
