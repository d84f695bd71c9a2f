package dev.arbor.bench.harness;

import dev.arbor.bench.harness.BenchResults.LevelRow;
import dev.arbor.bench.harness.BenchResults.SearchRow;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

/** PNG charts of the results, rendered with XChart (headless). */
final class Plots {
    private static final int WIDTH = 900, HEIGHT = 600;

    private Plots() {
    }

    /** Writes every chart the results allow and returns the files. */
    static List<Path> write(BenchResults results, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        List<SearchRow> single = results.search().stream().filter(r -> r.threads() == 1).toList();
        Map<String, List<SearchRow>> byModel = single.stream().collect(Collectors.groupingBy(SearchRow::model,
                LinkedHashMap::new, Collectors.toList()));
        for (Map.Entry<String, List<SearchRow>> e : byModel.entrySet()) {
            XYChart chart = recallVsLatency("Recall@K vs p50 latency, " + e.getKey() + " model (1 thread, points = beam widths)",
                    group(e.getValue(), r -> String.format(Locale.ROOT, "%,d items", r.items())));
            files.add(save(chart, dir.resolve("recall-vs-latency-" + e.getKey() + ".png")));
            if (e.getValue().stream().map(SearchRow::items).distinct().count() > 1) {
                files.add(save(latencyVsSize(e.getKey(), e.getValue()), dir.resolve("latency-vs-size-" + e.getKey() + ".png")));
            }
        }
        // Every index of one size on one chart: the tree against the lattice (and HNSW) at equal recall.
        for (Map.Entry<Integer, List<SearchRow>> e : group(single, SearchRow::items).entrySet()) {
            if (e.getValue().stream().map(SearchRow::model).distinct().count() > 1) {
                XYChart chart = recallVsLatency(String.format(Locale.ROOT, "Recall@K vs p50 latency, %,d items, each index "
                        + "against its own brute force (1 thread, points = beams)", e.getKey()),
                        group(e.getValue(), SearchRow::model));
                files.add(save(chart, dir.resolve("recall-vs-latency-" + e.getKey() + ".png")));
            }
        }
        if (!results.levels().isEmpty()) {
            files.add(save(levelScoring(results.levels()), dir.resolve("level-scoring.png")));
        }
        return files;
    }

    /** One series per key (a corpus size, or an index), its points the beam widths (labelled), at one search thread. */
    private static XYChart recallVsLatency(String title, Map<String, List<SearchRow>> seriesByName) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("p50 latency per query (ms, log)").yAxisTitle("recall@K against brute force").build();
        logAxes(chart, true, false);
        // Recall near 1 would otherwise collapse to one tick: show from the tenth below the worst point up to 1.
        double worst = seriesByName.values().stream().flatMap(List::stream).mapToDouble(SearchRow::recall).min().orElse(1);
        chart.getStyler().setYAxisMin(Math.min(0.9, Math.floor(worst * 10) / 10)).setYAxisMax(1.0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        for (Map.Entry<String, List<SearchRow>> e : seriesByName.entrySet()) {
            List<SearchRow> series = e.getValue();
            chart.addSeries(e.getKey(), series.stream().map(SearchRow::p50Ms).toList(),
                    series.stream().map(SearchRow::recall).toList());
            for (SearchRow r : series) {
                chart.addAnnotation(new AnnotationText("  " + r.beam(), r.p50Ms(), r.recall(), false));
            }
        }
        return chart;
    }

    /** One series per beam width: how latency grows with the corpus (log-log). */
    private static XYChart latencyVsSize(String model, List<SearchRow> rows) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("p50 latency vs corpus size, " + model + " model (1 thread)")
                .xAxisTitle("items (log)").yAxisTitle("p50 latency per query (ms, log)").build();
        logAxes(chart, true, true);
        // A custom label function would make XChart place linear ticks on this log axis (1M drawn at "2.5M"):
        // decade ticks with a plain pattern keep labels and points on one scale.
        chart.getStyler().setXAxisLogarithmicDecadeOnly(true).setXAxisDecimalPattern("#,###");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (Map.Entry<Integer, List<SearchRow>> e : group(rows, SearchRow::beam).entrySet()) {
            List<SearchRow> series = e.getValue();
            chart.addSeries("beam " + e.getKey(), series.stream().map(r -> (double) r.items()).toList(),
                    series.stream().map(SearchRow::p50Ms).toList());
        }
        return chart;
    }

    /** Milliseconds per level for each peer, grouped by model and level size (log scale: the peers span 1000x). */
    private static CategoryChart levelScoring(List<LevelRow> rows) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Scoring one level of C candidates (median ms, log)").xAxisTitle("model, level size")
                .yAxisTitle("ms per level").build();
        logAxes(chart, false, true);
        // Bars grow from the axis minimum, which XChart puts at 0 unless told: a log axis needs it positive.
        chart.getStyler().setYAxisMin(rows.stream().mapToDouble(LevelRow::msPerLevel).min().orElse(1) / 2);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<String> cells = rows.stream().map(Plots::cell).distinct().toList();
        Map<String, List<LevelRow>> byPeer = rows.stream().collect(Collectors.groupingBy(
                r -> r.peer() + (r.peer().equals("onnxruntime") ? " x" + r.threads() : ""), LinkedHashMap::new,
                Collectors.toList()));
        byPeer.forEach((peer, peerRows) -> {
            Map<String, Double> ms = peerRows.stream().collect(Collectors.toMap(Plots::cell, LevelRow::msPerLevel));
            chart.addSeries(peer, cells, cells.stream().map(c -> ms.getOrDefault(c, Double.NaN)).toList());
        });
        return chart;
    }

    /** Log scales labelled between decades too: a run's values often span less than one decade. */
    private static void logAxes(Chart<? extends AxesChartStyler, ?> chart, boolean x, boolean y) {
        AxesChartStyler styler = chart.getStyler();
        styler.setXAxisLogarithmic(x).setXAxisLogarithmicDecadeOnly(false);
        styler.setYAxisLogarithmic(y).setYAxisLogarithmicDecadeOnly(false);
    }

    private static String cell(LevelRow r) {
        return r.model() + ", C=" + r.candidates();
    }

    private static <K> Map<K, List<SearchRow>> group(List<SearchRow> rows, Function<SearchRow, K> key) {
        return rows.stream().collect(Collectors.groupingBy(key, LinkedHashMap::new, Collectors.toList()));
    }

    /** One series per index, its points the search settings (labelled), recall against p50 latency (log). */
    static Path recallVsLatency(String title, String recallTitle, Map<String, List<HnswComparison.Point>> series,
            Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("p50 latency per query (ms, log)").yAxisTitle(recallTitle).build();
        logAxes(chart, true, false);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        for (Map.Entry<String, List<HnswComparison.Point>> e : series.entrySet()) {
            List<HnswComparison.Point> points = e.getValue();
            chart.addSeries(e.getKey(), points.stream().map(HnswComparison.Point::p50Ms).toList(),
                    points.stream().map(HnswComparison.Point::recall).toList());
            for (HnswComparison.Point p : points) {
                chart.addAnnotation(new AnnotationText("  " + p.setting().replaceAll("[^0-9]", ""), p.p50Ms(),
                        p.recall(), false));
            }
        }
        return save(chart, file);
    }

    /** One series per training round: its validation score after each epoch. */
    static Path validationCurve(String title, String metric, Map<String, List<Double>> rounds, Path file)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch")
                .yAxisTitle(metric + " (%)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setXAxisDecimalPattern("#");
        for (Map.Entry<String, List<Double>> round : rounds.entrySet()) {
            List<Integer> epochs = new ArrayList<>();
            for (int e = 1; e <= round.getValue().size(); e++) {
                epochs.add(e);
            }
            chart.addSeries(round.getKey(), epochs, round.getValue());
        }
        return save(chart, file);
    }

    private static Path save(Chart<?, ?> chart, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
        return file;
    }
}
