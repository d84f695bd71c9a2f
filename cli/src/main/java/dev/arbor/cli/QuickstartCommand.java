package dev.arbor.cli;

import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import dev.arbor.dataset.DataFormat;
import dev.arbor.dataset.HeldOutUsers;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.jobs.TrainJob;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The README's main command: train TDM on the bundled MovieLens data, publish the segment, evaluate it
 * against brute force and Item-CF, and show one test user's recommendations with titles.
 */
@Command(name = "quickstart", description = "Train on the bundled ml-latest-small, write a segment, search it and report quality.")
final class QuickstartCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    TrainOptions trainOptions;

    @Option(names = {"-o", "--out"}, defaultValue = "work/quickstart", description = "Index directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--beam", defaultValue = "200", description = "Beam width for evaluation (default: ${DEFAULT-VALUE}).")
    int beam;

    static final int QUICK_EPOCH_SAMPLES = 20_000;
    static final double QUICK_ROUND_SECONDS = 70;

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("arbor.home", "."));
        Path data = home.resolve("data/ml-latest-small");
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException(data + ": bundled data not found (run from the project root or set -Darbor.home)");
        }
        // Training runs to convergence, as `arbor train` does; shorter epochs and a budget per round keep the whole
        // quickstart within about three minutes on 2 cores.
        if (trainOptions.samplesPerEpoch == 0) {
            trainOptions.samplesPerEpoch = QUICK_EPOCH_SAMPLES;
        }
        if (trainOptions.timeBudgetSeconds == null) {
            trainOptions.timeBudgetSeconds = QUICK_ROUND_SECONDS;
        }
        PrintWriter o = spec.commandLine().getOut();
        DataOptions dataOptions = new DataOptions();
        dataOptions.data = data;
        dataOptions.splitSeed = 1;
        dataOptions.testUsers = -1;
        dataOptions.validationUsers = -1;
        TrainJob job = new TrainJob(data, DataFormat.MOVIELENS, dataOptions.readOptions(), dataOptions.splitOptions(),
                trainOptions.pipeline(), home.resolve(out), beam, EvalCommand.DEFAULT_KS, trainOptions.validationK(),
                trainOptions.firstTree(), trainOptions.tuneSeconds());
        ConsoleProgress progress = ConsoleProgress.onStderr();
        TrainJob.Outcome outcome = job.run(progress);
        o.printf("%nQuality on %,d test users (TDM protocol: first half of each history in, second half to find):%n",
                outcome.split().test().size());
        QualityPrinter printer = new QualityPrinter(o, EvalCommand.DEFAULT_KS);
        try (TreeSegment segment = IndexDirectory.openLatestVerified(home.resolve(out))) {
            for (TrainJob.RoundResult r : outcome.rounds()) {
                printer.segment(EvalCommand.label(segment, r.round().tree()), r.quality(), r.round().seconds());
            }
            EvalCommand.baselines(printer, outcome.split(), EvalCommand.Baselines.ITEM_CF, progress);
            o.println("(the product-DNN baseline takes a minute more: ./arbor eval " + out + " --baselines)");
            showOneUser(o, segment, outcome.log(), outcome.split().test());
        }
        o.printf("%nsegment: %s   (try: ./arbor inspect %s)%n", outcome.last().segment(), out);
        return 0;
    }

    private static void showOneUser(PrintWriter o, TreeSegment segment, InteractionLog log, HeldOutUsers test) {
        int u = 0;
        for (int i = 1; i < test.size(); i++) {
            if (test.input(i).length >= 10 && test.input(i).length < 60) {
                u = i;
                break;
            }
        }
        int[] input = test.input(u);
        java.util.Set<Integer> future = new java.util.HashSet<>();
        for (int item : test.truth(u)) {
            future.add(item);
        }
        o.printf("%nTest user %d: the last of %d movies in the input half%n", log.userIds()[test.user(u)], input.length);
        for (int i = Math.max(0, input.length - 8); i < input.length; i++) {
            o.printf("  %s%n", title(log, input[i]));
        }
        BeamSearcher searcher = new BeamSearcher(segment);
        SearchContext ctx = searcher.newContext().historyOrdinals(input, input.length);
        for (int item : input) {
            ctx.excludeOrdinal(item);
        }
        SearchResult result = new SearchResult(10);
        searcher.search(ctx, 10, 200, result);
        o.println("Top 10 by beam search (* = in the user's held-out second half):");
        for (int i = 0; i < result.count(); i++) {
            o.printf("  %2d %s %s%n", i + 1, future.contains(result.ordinal(i)) ? "*" : " ", title(log, result.ordinal(i)));
        }
    }

    private static String title(InteractionLog log, int item) {
        String t = log.itemTitle(item);
        return (t == null ? "item " + log.itemIds()[item] : t) + " [" + log.categoryName(log.itemCategory(item)) + "]";
    }
}
