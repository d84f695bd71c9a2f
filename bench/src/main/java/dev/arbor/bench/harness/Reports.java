package dev.arbor.bench.harness;

import dev.arbor.bench.harness.BenchResults.LevelRow;
import dev.arbor.bench.harness.BenchResults.SearchRow;
import dev.arbor.format.LatticeShape;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * CSV, JSON and text tables of the results. Columns and keys come from the row records' components
 * (in snake_case), so a field added to a row shows up everywhere without a second list of names.
 */
final class Reports {
    private Reports() {
    }

    static void writeCsv(Path file, Class<? extends Record> type, List<? extends Record> rows) throws IOException {
        RecordComponent[] columns = type.getRecordComponents();
        List<String> lines = new ArrayList<>();
        lines.add(Arrays.stream(columns).map(c -> snake(c.getName())).collect(Collectors.joining(",")));
        for (Record row : rows) {
            List<String> cells = new ArrayList<>();
            for (RecordComponent c : columns) {
                Object v = value(c, row);
                cells.add(v instanceof Double x ? (Double.isFinite(x) ? number(x) : "") : String.valueOf(v));
            }
            lines.add(String.join(",", cells));
        }
        Files.write(file, lines);
    }

    static void writeJson(Path file, BenchResults results) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("config", results.config());
        doc.put("environment", new TreeMap<>(results.environment()));
        doc.put("search", results.search());
        doc.put("levels", results.levels());
        StringBuilder out = new StringBuilder();
        json(doc, out, "");
        Files.writeString(file, out.append('\n'));
    }

    /** Markdown tables, one per index and model, then the level peers. */
    static String tables(BenchResults results) {
        StringBuilder out = new StringBuilder();
        Map<String, List<SearchRow>> byIndex = results.search().stream().collect(Collectors.groupingBy(
                r -> title(r, results.config()), LinkedHashMap::new, Collectors.toList()));
        byIndex.forEach((title, rows) -> {
            if (rows.getFirst().model().equals(LatticeSearchBench.MODEL)) {
                latticeTable(title, rows, out);
                return;
            }
            out.append(String.format(Locale.ROOT, "%nBeam search, %s (recall over %d brute-force queries)%n%n", title,
                    rows.getFirst().recallQueries()));
            out.append("| beam | K | threads | recall@K | p50 ms | p99 ms | p99.9 ms | mean ms | QPS | searches "
                    + "| scored nodes | naive MFLOP | rearranged MFLOP | GFLOP/s |\n");
            out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (SearchRow r : rows) {
                out.append(String.format(Locale.ROOT, "| %d | %d | %d | %.3f | %.2f | %.2f | %.2f | %.2f | %.0f | %d | %,.0f "
                                + "| %,.1f | %,.1f | %.1f |%n", r.beam(), r.k(), r.threads(), r.recall(), r.p50Ms(), r.p99Ms(),
                        r.p999Ms(), r.meanMs(), r.qps(), r.samples(), r.scoredNodes(), r.naiveMflop(), r.rearrangedMflop(),
                        r.gflops()));
            }
        });
        if (!results.levels().isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nScoring one level of C candidates for one user (median ms; "
                    + "vs ORT-1 = time / ONNX Runtime's with 1 intra-op thread)%n%n"));
            out.append("| model | C | peer | threads | ms per level | vs ORT-1 | prepare ms (once per query) | runs "
                    + "| max rel diff vs literal |\n");
            out.append("|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
            for (LevelRow r : results.levels()) {
                out.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %.3f | %.2f | %s | %d | %.1e |%n", r.model(),
                        r.candidates(), r.peer(), r.threads(), r.msPerLevel(), r.vsOrt1(),
                        Double.isNaN(r.prepareMs()) ? "-" : String.format(Locale.ROOT, "%.3f", r.prepareMs()), r.samples(),
                        r.maxRelDiff()));
            }
        }
        return out.toString();
    }

    private static String title(SearchRow r, BenchConfig config) {
        if (r.model().equals(LatticeSearchBench.MODEL)) {
            LatticeConfig l = config.lattice();
            LatticeShape shape = l.shapeFor(r.items());
            return String.format(Locale.ROOT, "%,d items, lattice K = %d, D = %d, J = %d, model noise %s", r.items(),
                    shape.k(), shape.depth(), l.paths(), l.noise());
        }
        return String.format(Locale.ROOT, "%,d items, %s model, B = %d, inner-node noise %s", r.items(), r.model(),
                config.branching(), config.innerNoise());
    }

    /** The lattice's beam counts paths, its work is the paths scored and the items reranked. */
    private static void latticeTable(String title, List<SearchRow> rows, StringBuilder out) {
        out.append(String.format(Locale.ROOT, "%nDeep Retrieval, %s (recall over %d brute-force queries of the "
                + "reranker)%n%n", title, rows.getFirst().recallQueries()));
        out.append("| path beam | K | threads | recall@K | p50 ms | p99 ms | p99.9 ms | mean ms | QPS | searches "
                + "| scored paths | reranked items |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SearchRow r : rows) {
            out.append(String.format(Locale.ROOT, "| %d | %d | %d | %.3f | %.2f | %.2f | %.2f | %.2f | %.0f | %d | %,.0f "
                            + "| %,.0f |%n", r.beam(), r.k(), r.threads(), r.recall(), r.p50Ms(), r.p99Ms(), r.p999Ms(),
                    r.meanMs(), r.qps(), r.samples(), r.scoredNodes(), r.candidates()));
        }
    }

    private static void json(Object v, StringBuilder out, String indent) {
        String inner = indent + "  ";
        switch (v) {
            case null -> out.append("null");
            case Double x when !Double.isFinite(x) -> out.append("null");
            case Double x -> out.append(number(x));
            case Number n -> out.append(n);
            case Boolean b -> out.append(b);
            case Record r -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                for (RecordComponent c : r.getClass().getRecordComponents()) {
                    fields.put(snake(c.getName()), value(c, r));
                }
                json(fields, out, indent);
            }
            case Map<?, ?> m -> {
                out.append("{");
                String sep = "\n";
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.append(sep).append(inner);
                    string(String.valueOf(e.getKey()), out);
                    out.append(": ");
                    json(e.getValue(), out, inner);
                    sep = ",\n";
                }
                out.append(m.isEmpty() ? "}" : "\n" + indent + "}");
            }
            case Collection<?> c -> {
                boolean flat = c.stream().allMatch(e -> e instanceof Number || e instanceof String || e instanceof Enum<?>);
                out.append("[");
                String sep = flat ? "" : "\n" + inner;
                for (Object e : c) {
                    out.append(sep);
                    json(e, out, inner);
                    sep = flat ? ", " : ",\n" + inner;
                }
                out.append(flat || c.isEmpty() ? "]" : "\n" + indent + "]");
            }
            default -> string(v.toString(), out);
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Six significant digits, no exponent, no trailing zeros: small files that stay exact enough. */
    private static String number(double x) {
        return new BigDecimal(x).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private static Object value(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getSimpleName(), e);
        }
    }

    /** {@code p50Ms} to {@code p50_ms}, {@code vsOrt1} to {@code vs_ort1}. */
    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
