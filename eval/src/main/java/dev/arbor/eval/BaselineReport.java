package dev.arbor.eval;

import dev.arbor.dataset.DataFormat;
import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.HeldOutUsers;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogs;
import dev.arbor.dataset.SplitOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Prints the TDM-protocol quality of the baselines on one data set as a Markdown table: precision, recall, F-measure
 * and global recall at 10, 50 and 200 for popularity, item-based CF and the product DNN, with each model's fitting
 * time. Usage:
 *
 * <pre>
 * BaselineReport PATH FORMAT [--seed N] [--epochs N] [--dim N] [--hidden N] [--lr X] [--negatives N]
 *                [--neighbours N] [--threads N] [--validation] [--keep-input]
 * </pre>
 *
 * {@code --validation} evaluates on the validation users (for tuning) instead of the test users;
 * {@code --keep-input} leaves the users' input items in the recommendations.
 */
public final class BaselineReport {

    private BaselineReport() {
    }

    /** Runs the report; exits with status 2 on a usage error. */
    public static void main(String[] args) throws IOException {
        Arguments a;
        try {
            a = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: BaselineReport PATH FORMAT [--seed N] [--epochs N] [--dim N] [--hidden N]"
                    + " [--lr X] [--negatives N] [--neighbours N] [--threads N] [--validation] [--keep-input]");
            System.exit(2);
            return;
        }
        run(a, System.out);
    }

    /** Reads the data set, splits it, fits and evaluates each baseline, and prints the table to {@code out}. */
    static void run(Arguments a, PrintStream out) throws IOException {
        long readStart = System.nanoTime();
        InteractionLog log = InteractionLogs.read(a.path, a.format);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(a.seed));
        HeldOutUsers users = a.validation ? split.validation() : split.test();
        Evaluator evaluator = new Evaluator().withThreads(a.tower.threads()).withExcludeInput(!a.keepInput);
        out.printf(Locale.ROOT, "data: %s (%s), %s, read in %.1f s%n", a.path, a.format.id(), log,
                seconds(System.nanoTime() - readStart));
        out.printf(Locale.ROOT, "split: seed %d, %d training users (%,d samples with >= %d earlier behaviours), "
                        + "evaluated on %d %s users, input items %s; %d threads%n%n", a.seed,
                split.trainUsers().length, split.trainingSamples(a.tower.minHistory()).size(),
                a.tower.minHistory(), users.size(), a.validation ? "validation" : "test",
                a.keepInput ? "kept" : "excluded", a.tower.threads());

        out.println(new QualityReport(Evaluator.DEFAULT_KS).tableHeader("model", "fit", "eval"));
        Histories histories = Histories.of(split, true);
        row(out, evaluator, users, "Popularity", () -> Popularity.fit(histories));
        row(out, evaluator, users, "Item-CF (" + a.neighbours + " neighbours)",
                () -> ItemCf.fit(histories, a.neighbours, a.tower.threads()));
        row(out, evaluator, users, String.format(Locale.ROOT, "Product DNN (dim %d, hidden %d, %d epochs)",
                a.tower.dim(), a.tower.hidden(), a.tower.epochs()), () -> TwoTower.train(split, a.tower));
    }

    private static void row(PrintStream out, Evaluator evaluator, HeldOutUsers users, String label,
            Supplier<Recommender> fit) {
        long start = System.nanoTime();
        Recommender model = fit.get();
        long fitted = System.nanoTime();
        QualityReport report = evaluator.evaluate(model, users);
        long evaluated = System.nanoTime();
        out.println(report.tableRow(label, String.format(Locale.ROOT, "%.1f s", seconds(fitted - start)),
                String.format(Locale.ROOT, "%.1f s", seconds(evaluated - fitted))));
        out.flush();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** The parsed command line. */
    record Arguments(Path path, DataFormat format, long seed, int neighbours, TwoTowerOptions tower,
            boolean validation, boolean keepInput) {

        static Arguments parse(String[] args) {
            if (args.length < 2) {
                throw new IllegalArgumentException("give a data-set path and its format");
            }
            Path path = Path.of(args[0]);
            DataFormat format = DataFormat.fromId(args[1]);
            long seed = 1;
            int neighbours = ItemCf.DEFAULT_NEIGHBOURS;
            TwoTowerOptions tower = TwoTowerOptions.DEFAULTS;
            boolean validation = false;
            boolean keepInput = false;
            for (int i = 2; i < args.length; i++) {
                String flag = args[i];
                switch (flag) {
                    case "--validation" -> validation = true;
                    case "--keep-input" -> keepInput = true;
                    default -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("unknown option or missing value: " + flag);
                        }
                        String value = args[++i];
                        try {
                            switch (flag) {
                                case "--seed" -> seed = Long.parseLong(value);
                                case "--epochs" -> tower = tower.withEpochs(Integer.parseInt(value));
                                case "--dim" -> tower = tower.withDim(Integer.parseInt(value));
                                case "--hidden" -> tower = tower.withHidden(Integer.parseInt(value));
                                case "--lr" -> tower = tower.withLearningRate(Float.parseFloat(value));
                                case "--negatives" -> tower = tower.withNegatives(Integer.parseInt(value));
                                case "--neighbours" -> neighbours = Integer.parseInt(value);
                                case "--threads" -> tower = tower.withThreads(Integer.parseInt(value));
                                default -> throw new IllegalArgumentException("unknown option: " + flag);
                            }
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("bad number for " + flag + ": " + value);
                        }
                    }
                }
            }
            return new Arguments(path, format, seed, neighbours, tower.withSeed(seed), validation, keepInput);
        }
    }
}
