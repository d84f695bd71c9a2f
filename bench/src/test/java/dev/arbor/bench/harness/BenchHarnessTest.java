package dev.arbor.bench.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.bench.harness.BenchResults.LevelRow;
import dev.arbor.bench.harness.BenchResults.SearchRow;
import dev.arbor.format.ModelKind;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole harness on one tiny index and one beam: every file is written and the numbers are sane. */
class BenchHarnessTest {

    @Test
    void smallRunWritesCsvJsonAndPng(@TempDir Path dir) throws Exception {
        BenchConfig config = new BenchConfig(List.of(3000), List.of(ModelKind.ATTENTION_DNN), List.of(40), 20, 2, 0, 8, 4, 0.05,
                List.of(1, 2), List.of(64), List.of(1, 2), true, dir.resolve("indexes"), dir.resolve("out"), List.of(40), LatticeConfig.NONE);
        StringWriter progress = new StringWriter();
        BenchResults results = BenchHarness.run(config, new PrintWriter(progress, true));

        assertEquals(4, results.search().size(), "one row per thread count, for the tree and for HNSW");
        for (SearchRow r : results.search()) {
            assertTrue(r.recall() >= 0 && r.recall() <= 1 && r.samples() >= Timing.MIN_SAMPLES && r.qps() > 0, r.toString());
            assertTrue(r.p50Ms() <= r.p99Ms() && r.p99Ms() <= r.p999Ms(), r.toString());
            if (r.model().equals(HnswSearchBench.MODEL)) {
                assertTrue(r.recall() > 0.5, "a graph search at efSearch 40 over 3,000 vectors finds most of the top 20: " + r);
            } else {
                assertTrue(r.scoredNodes() > 0 && r.rearrangedMflop() < r.naiveMflop(),
                        "the rearranged scorer does less work: " + r);
            }
        }
        List<String> peers = results.levels().stream().map(r -> r.peer() + "/" + r.threads()).toList();
        assertEquals(List.of("onnxruntime/1", "onnxruntime/2", "arbor-" + dev.arbor.scorer.Kernels.best().name() + "/1",
                "arbor-scalar/1", "reference/1"), peers);
        for (LevelRow r : results.levels()) {
            assertTrue(r.maxRelDiff() < 1e-4 && r.msPerLevel() > 0, "every peer computes the same scores: " + r);
        }
        assertEquals(1.0, results.levels().getFirst().vsOrt1());

        Path out = dir.resolve("out");
        List<String> search = Files.readAllLines(out.resolve("search.csv"));
        assertEquals(5, search.size());
        assertTrue(search.getFirst().startsWith("items,model,beam,k,threads,samples,mean_ms,p50_ms,p99_ms,p999_ms,qps,recall"),
                search.getFirst());
        assertEquals(6, Files.readAllLines(out.resolve("levels.csv")).size());
        String json = Files.readString(out.resolve("results.json"));
        assertTrue(json.startsWith("{") && json.contains("\"search\": [") && json.contains("\"vs_ort1\": 1"), json);
        for (String png : List.of("recall-vs-latency-attention.png", "level-scoring.png")) {
            Path file = out.resolve(png);
            assertTrue(results.files().contains(file), png);
            byte[] bytes = Files.readAllBytes(file);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(bytes, 4), png);
            BufferedImage image = ImageIO.read(file.toFile());
            assertEquals(900, image.getWidth(), png);
        }
        assertTrue(Files.exists(dir.resolve("indexes/attention_dnn-b2-3000/bruteforce-k20.bin")),
                "brute force is cached next to the index");
        assertTrue(BenchHarness.tables(results).contains("| beam | K | threads | recall@K |"));
        assertTrue(progress.toString().contains("brute force"), progress.toString());
    }
}
