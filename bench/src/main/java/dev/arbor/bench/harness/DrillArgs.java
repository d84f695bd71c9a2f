package dev.arbor.bench.harness;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** The drills' {@code key=value} arguments, with errors that name the argument. */
final class DrillArgs {
    private final Map<String, String> values = new HashMap<>();

    DrillArgs(String[] args) {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("arguments are key=value, got \"" + arg + "\"");
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
    }

    String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /** A whole number; 1e6 and 1000000 both work. */
    int count(String key, String fallback) {
        String v = get(key, fallback);
        try {
            return new BigDecimal(v).intValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + " is not a whole number");
        }
    }

    /** The directory named by {@code key}, emptied: a drill starts from nothing. */
    Path freshDirectory(String key, String fallback) throws IOException {
        Path dir = Path.of(get(key, fallback));
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(dir);
    }
}
