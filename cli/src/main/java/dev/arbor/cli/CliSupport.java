package dev.arbor.cli;

import dev.arbor.format.LatticeShape;
import dev.arbor.format.ModelKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Parsing helpers shared by commands. */
final class CliSupport {
    private CliSupport() {
    }

    static ModelKind modelKind(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "attention", "attention-dnn", "attention_dnn" -> ModelKind.ATTENTION_DNN;
            case "mlp", "dnn" -> ModelKind.MLP;
            default -> throw new IllegalArgumentException("--model must be attention or mlp, got \"" + name + "\"");
        };
    }

    /**
     * Splits "1,2,3" or "B000123,u-77" into item ids as text (integers or names, {@code format.ExternalIds}), naming
     * an empty element.
     */
    static String[] idTexts(String option, String text) {
        if (text == null || text.isBlank()) {
            return new String[0];
        }
        String[] parts = text.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = parts[i].strip();
            if (parts[i].isEmpty()) {
                throw new IllegalArgumentException(option + ": element " + (i + 1) + " is empty");
            }
        }
        return parts;
    }

    static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format("%.1f %s", v, units[u]);
    }

    /** A lattice's "KxD" such as "100x3", or null for "auto" (the synthetic generator's shape for the size). */
    static LatticeShape latticeShape(String option, String text) {
        if (text.equalsIgnoreCase("auto")) {
            return null;
        }
        String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("x");
        if (parts.length != 2) {
            throw new IllegalArgumentException(option + ": expected auto or K x D such as 100x3, got \"" + text + "\"");
        }
        return new LatticeShape(counts(option, parts[0]).getFirst(), counts(option, parts[1]).getFirst());
    }

    /** "1e5,100000,4e6" into whole numbers, naming the bad element. */
    static List<Integer> counts(String option, String text) {
        List<Integer> values = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                values.add(new BigDecimal(part.trim()).intValueExact());
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException(option + ": \"" + part.trim() + "\" is not a whole number (1e5 and 100000 both work)");
            }
        }
        return values;
    }
}
