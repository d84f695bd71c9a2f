package dev.arbor.serve;

import java.util.Locale;

/** Writes the few JSON values the server's answers hold straight into a builder. */
final class Json {
    private Json() {
    }

    /** A JSON string, escaped as RFC 8259 requires. */
    static StringBuilder string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /** A float; JSON has no NaN or infinity, which become null. */
    static StringBuilder number(StringBuilder out, float v) {
        return Float.isFinite(v) ? out.append(v) : out.append("null");
    }

    /** Nanoseconds as milliseconds with three decimals. */
    static StringBuilder millis(StringBuilder out, long nanos) {
        return out.append(String.format(Locale.ROOT, "%.3f", nanos / 1e6));
    }
}
