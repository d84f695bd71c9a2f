package dev.arbor.cli;

import dev.arbor.bench.harness.HnswComparison;
import dev.arbor.dataset.DataSplit;
import dev.arbor.eval.BaselineTuning;
import dev.arbor.eval.TwoTower;
import dev.arbor.eval.TwoTowerOptions;
import dev.arbor.jobs.TrainJob;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "compare-hnsw", description = {
        "Arbor's beam search against the alternative a two-tower user would deploy: the two-tower baseline's item "
                + "vectors in an HNSW graph (jvector). Both run the test users of the segments' own split on one thread: "
                + "recall at K against the held-out truth, and p50/p99 latency per query. Writes a table, a CSV and a "
                + "recall-against-latency chart.",
        "Each INDEX is an index directory (its live segment) or a segment directory, optionally named: NAME=PATH."})
final class CompareHnswCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "INDEX", description = "[NAME=]PATH of trained segments, all of one data split.")
    List<String> indexes;

    @Option(names = "-k", defaultValue = "200", description = "Top K (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--beams", defaultValue = "200,400,800", description = "Tree beam widths, raised to K (default: ${DEFAULT-VALUE}).")
    String beams;

    @Option(names = "--ef", defaultValue = "200,400,800,1600", description = "HNSW search beams (efSearch), raised to K (default: ${DEFAULT-VALUE}).")
    String ef;

    @Option(names = "--degree", defaultValue = "32", description = "HNSW graph degree (default: ${DEFAULT-VALUE}).")
    int degree;

    @Option(names = "--construction-beam", defaultValue = "100", description = "HNSW construction beam (default: ${DEFAULT-VALUE}).")
    int constructionBeam;

    @Option(names = "--data", description = "Override the data path recorded in the segments.")
    Path data;

    @Option(names = {"-o", "--out"}, defaultValue = "work/compare-hnsw", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        var o = spec.commandLine().getOut();
        ConsoleProgress progress = ConsoleProgress.onStderr();
        List<HnswComparison.NamedTree> trees = new ArrayList<>();
        try {
            for (String index : indexes) {
                trees.add(open(index));
            }
            SegmentSplit first = SegmentSplit.of(trees.get(0).segment(), Path.of(indexes.get(0)), data, progress);
            DataSplit split = first.split();
            for (HnswComparison.NamedTree t : trees.subList(1, trees.size())) {
                if (!sameSplit(t.segment(), trees.get(0).segment())) {
                    throw new IllegalArgumentException(t.name() + " was trained on another data split than "
                            + trees.get(0).name() + ": their recalls would not compare");
                }
            }
            long t = System.nanoTime();
            BaselineTuning.Tuned<TwoTower> tuned = BaselineTuning.twoTower(split, TwoTowerOptions.DEFAULTS,
                    Runtime.getRuntime().availableProcessors(), progress);
            o.printf(Locale.ROOT, "two-tower tuned on the validation users (%s) in %.1f s%n", tuned.settings(),
                    (System.nanoTime() - t) / 1e9);
            HnswComparison comparison = new HnswComparison(split.test(), k, progress);
            for (HnswComparison.NamedTree tree : trees) {
                comparison.tree(tree, ints("--beams", beams));
            }
            comparison.exactTwoTower(tuned.recommender());
            double build = comparison.hnsw(tuned.recommender(), degree, constructionBeam, ints("--ef", ef));
            o.printf(Locale.ROOT, "%s: %,d test users, %,d items; HNSW graph (degree %d, construction beam %d) built in %.1f s%n%n",
                    first.data(), split.test().size(), tuned.recommender().numItems(), degree, constructionBeam, build);
            o.print(comparison.table());
            comparison.write(out, String.format(Locale.ROOT, "R@%d against p50 latency, %s test users, 1 thread", k,
                    first.data().getFileName())).forEach(f -> o.println("wrote " + f));
        } finally {
            for (HnswComparison.NamedTree tree : trees) {
                tree.segment().close();
            }
        }
        return 0;
    }

    private static boolean sameSplit(TreeSegment a, TreeSegment b) {
        for (String key : List.of(TrainJob.SOURCE_PATH, TrainJob.SPLIT_SEED, TrainJob.SPLIT_VALIDATION,
                TrainJob.SPLIT_TEST)) {
            if (!Objects.equals(a.properties().get(key), b.properties().get(key))) {
                return false;
            }
        }
        return true;
    }

    private static HnswComparison.NamedTree open(String index) throws IOException {
        int eq = index.indexOf('=');
        Path path = Path.of(eq < 0 ? index : index.substring(eq + 1));
        if (!Files.isDirectory(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such directory");
        }
        TreeSegment segment = Files.exists(path.resolve("commit.arb")) ? IndexDirectory.openLatestVerified(path)
                : TreeSegment.openVerified(path);
        String name = eq < 0 ? segment.properties().getOrDefault("train.algorithm", "tdm").toUpperCase(Locale.ROOT)
                + " (" + path.getFileName() + ")" : index.substring(0, eq);
        return new HnswComparison.NamedTree(name, segment);
    }

    private static int[] ints(String option, String text) {
        return CliSupport.counts(option, text).stream().mapToInt(Integer::intValue).toArray();
    }
}
