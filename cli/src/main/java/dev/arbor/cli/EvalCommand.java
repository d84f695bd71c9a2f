package dev.arbor.cli;

import dev.arbor.format.SegmentFormat;
import dev.arbor.jobs.TrainJob;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.reader.TreeSegment;
import dev.arbor.dataset.DataSplit;
import dev.arbor.eval.BaselineTuning;
import dev.arbor.eval.Evaluator;
import dev.arbor.eval.Histories;
import dev.arbor.eval.ItemCf;
import dev.arbor.eval.LatticeRecommender;
import dev.arbor.eval.TwoTower;
import dev.arbor.eval.TwoTowerOptions;
import dev.arbor.eval.SegmentQuality;
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
                DataSplit dataSplit = SegmentSplit.of(segment.properties(), segment.itemCount(), segment::itemId, dir, data,
                        progress).split();
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
            DataSplit dataSplit = SegmentSplit.of(p, segment.itemCount(), segment::itemId, dir, data, progress).split();
            out.printf("%s: %s tree, %s; %,d test users of %s%n", dir, p.getOrDefault("tree", "?"), segment.architecture(),
                    dataSplit.test().size(), data != null ? data : p.get(TrainJob.SOURCE_PATH));
            QualityPrinter printer = new QualityPrinter(out, DEFAULT_KS);
            printer.segment(label(segment, p.getOrDefault("tree", "?")), SegmentQuality.measure(segment, dataSplit.test(), beam,
                    new Evaluator().withKs(DEFAULT_KS).withProgress(progress), DEFAULT_KS), 0);
            baselines(printer, dataSplit, baselines ? Baselines.ALL : Baselines.NONE, progress);
        }
        return 0;
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
}
