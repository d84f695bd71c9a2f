package dev.arbor.bench.harness;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationCurvesTest {

    private static final List<String> LOG = List.of(
            "tdm: round 1/2 on the category tree",
            "  epoch 1/12: 500/76,853 samples, loss 0.6267, 89 samples/s",
            "  epoch 1/12 done: loss 0.2442, 76,853 samples x 109 pairs in 52.1 s, validation R@50 32.59% (best), lr 0.0020, 53 s in all",
            "  epoch 2/12 done: loss 0.2206, 76,853 samples x 109 pairs in 47.1 s, validation R@50 37.87% (best), lr 0.0020, 100 s in all",
            "tdm: round 2/2 on the learnt (round 1) tree",
            "  epoch 1/12 done: loss 0.1568, 76,853 samples x 109 pairs in 56.7 s, validation R@50 38.26% (best), lr 0.0020, 57 s in all");

    @Test
    void readsEachRoundsCurveAndDrawsIt(@TempDir Path dir) throws Exception {
        String[] metric = {"?"};
        Map<String, List<Double>> rounds = ValidationCurves.parse(LOG, metric);
        assertEquals(List.of("round 1, category tree", "round 2, learnt (round 1) tree"), List.copyOf(rounds.keySet()));
        assertEquals(List.of(32.59, 37.87), rounds.get("round 1, category tree"));
        assertEquals(List.of(38.26), rounds.get("round 2, learnt (round 1) tree"));
        assertEquals("validation R@50", metric[0]);
        Path log = dir.resolve("train.log");
        Files.write(log, LOG);
        Path png = dir.resolve("curve.png");
        ValidationCurves.main(new String[] {log.toString(), png.toString()});
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', "a PNG");
    }

    @Test
    void aLogWithoutValidationIsAnError(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("fixed.log");
        Files.write(log, List.of("tdm: round 1/1 on the category tree", "  epoch 1/1 done: loss 0.4, 10 samples x 4 pairs in 1.0 s"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ValidationCurves.main(new String[] {log.toString(), dir.resolve("x.png").toString()}));
        assertTrue(e.getMessage().startsWith(log.toString()), e.getMessage());
    }
}
