package dev.arbor.format;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The meta file's build properties: UTF-8 lines {@code key TAB value LF}, with backslash escapes for
 * backslash, tab and newline inside keys and values.
 */
public final class Properties {
    private Properties() {
    }

    public static byte[] encode(Map<String, String> properties) {
        StringBuilder sb = new StringBuilder();
        properties.forEach((k, v) -> sb.append(escape(k)).append('\t').append(escape(v)).append('\n'));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses {@link #encode} output; throws IllegalArgumentException on a malformed line. */
    public static Map<String, String> decode(byte[] bytes) {
        Map<String, String> out = new LinkedHashMap<>();
        String text = new String(bytes, StandardCharsets.UTF_8);
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new IllegalArgumentException("property line " + lineNo + " has no tab");
            }
            out.put(unescape(line.substring(0, tab)), unescape(line.substring(tab + 1)));
        }
        return out;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                sb.append(e == 't' ? '\t' : e == 'n' ? '\n' : e);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
