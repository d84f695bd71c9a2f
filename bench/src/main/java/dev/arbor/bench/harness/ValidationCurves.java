package dev.arbor.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Draws the validation curve of an {@code arbor train} run from its log: after each epoch, the validation score
 * the round converges on, one line per round. Run as
 * {@code java -cp bench/target/arbor-benchmarks.jar dev.arbor.bench.harness.ValidationCurves TRAIN.log OUT.png [TITLE]}.
 */
public final class ValidationCurves {

    private static final Pattern ROUND = Pattern.compile("(?:tdm|jtm|otm): round (\\d+)/\\d+ on the (.+) tree");
    private static final Pattern EPOCH = Pattern.compile("epoch \\d+/\\d+ done: .*, (validation R@\\d+) ([0-9.]+)%");

    private ValidationCurves() {
    }

    /** Round name to its validation scores (percent) by epoch, in log order; a line that is neither is skipped. */
    static Map<String, List<Double>> parse(List<String> lines, String[] metric) {
        Map<String, List<Double>> rounds = new LinkedHashMap<>();
        List<Double> current = null;
        for (String line : lines) {
            Matcher round = ROUND.matcher(line);
            if (round.find()) {
                current = new ArrayList<>();
                rounds.put("round " + round.group(1) + ", " + round.group(2) + " tree", current);
                continue;
            }
            Matcher epoch = EPOCH.matcher(line);
            if (epoch.find() && current != null) {
                metric[0] = epoch.group(1);
                current.add(Double.parseDouble(epoch.group(2)));
            }
        }
        rounds.values().removeIf(List::isEmpty);
        return rounds;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ValidationCurves TRAIN.log OUT.png [TITLE]");
            System.exit(2);
        }
        Path log = Path.of(args[0]);
        String[] metric = {"validation score"};
        Map<String, List<Double>> rounds = parse(Files.readAllLines(log), metric);
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException(log + ": no epoch lines with a validation score (was it a converging run?)");
        }
        String title = args.length > 2 ? args[2] : "Validation curve: " + log.getFileName();
        System.out.println(Plots.validationCurve(title, metric[0], rounds, Path.of(args[1])));
    }
}
