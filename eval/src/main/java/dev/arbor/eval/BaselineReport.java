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
 * time. {@code validation} evaluates on the validation users (for tuning) instead of the test users;
 * {@code keepInput} leaves the users' input items in the recommendations.
 */
public final class BaselineReport {

    private BaselineReport() {
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

    /** What to report on: the data set, the split's seed, and how to fit and evaluate the baselines. */
    record Arguments(Path path, DataFormat format, long seed, int neighbours, TwoTowerOptions tower,
            boolean validation, boolean keepInput) {
    }
}
