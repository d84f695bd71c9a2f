package dev.arbor.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.bench.harness.BenchResults.SearchRow;
import dev.arbor.format.LatticeShape;
import dev.arbor.format.ModelKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's Deep Retrieval rows on a tiny lattice over the tree's items, beside the tree's rows. */
class LatticeBenchTest {

    @Test
    void latticeRowsBesideTheTreeOnTheSameHistories(@TempDir Path dir) throws Exception {
        // 16 x 3 = 4,096 paths: a beam of 4,096 returns every path, so its candidates are every item.
        BenchConfig config = new BenchConfig(List.of(3000), List.of(ModelKind.MLP), List.of(40), 20, 2, 0, 8, 8, 0.05,
                List.of(1, 2), List.of(), List.of(), false, dir.resolve("indexes"), dir.resolve("out"), List.of(),
                new LatticeConfig(List.of(1, 64, 4096), new LatticeShape(16, 3), 2, 0.5));
        StringWriter progress = new StringWriter();
        BenchResults results = BenchHarness.run(config, new PrintWriter(progress, true));

        List<SearchRow> lattice = results.search().stream().filter(r -> r.model().equals(LatticeSearchBench.MODEL))
                .toList();
        assertEquals(6, lattice.size(), "one row per path beam and thread count: " + lattice);
        assertEquals(2, results.search().size() - lattice.size(), "the tree's rows are still there");
        for (SearchRow r : lattice) {
            assertTrue(r.samples() >= Timing.MIN_SAMPLES && r.qps() > 0 && r.p50Ms() <= r.p99Ms(), r.toString());
            assertEquals(8, r.recallQueries(), r.toString());
        }
        SearchRow narrow = lattice.getFirst(), wide = lattice.get(2), all = lattice.get(4);
        assertEquals(16 * 3, narrow.scoredNodes(), "a beam of 1 scores K paths per layer");
        assertEquals(16 + 16 * 16 + 256 * 16, all.scoredNodes());
        assertTrue(narrow.candidates() >= 1 && narrow.candidates() <= 2, "one path of J = 2 holds an item or two: "
                + narrow);
        assertEquals(3000, all.candidates(), "every path's items are every item");
        assertEquals(1.0, all.recall(), "reranking every item is the reranker's brute force");
        assertTrue(narrow.recall() < wide.recall() && wide.recall() < 1, narrow + "\n" + wide);
        for (SearchRow r : lattice) {
            assertTrue(r.recall() > 0 && r.recall() <= r.candidates() / r.k(),
                    "a query finds at most its candidates of the exact top K: " + r);
        }

        Path out = dir.resolve("out");
        List<String> csv = Files.readAllLines(out.resolve("search.csv"));
        assertTrue(csv.getFirst().endsWith(",gflops,candidates"), csv.getFirst());
        assertTrue(csv.get(1).endsWith(","), "the tree's rows have no candidates column value: " + csv.get(1));
        assertTrue(csv.getLast().startsWith("3000,lattice,4096,20,2,"), csv.getLast());
        assertTrue(results.files().contains(out.resolve("recall-vs-latency-lattice.png")));
        assertTrue(results.files().contains(out.resolve("recall-vs-latency-3000.png")), "the tree and lattice together");
        String tables = BenchHarness.tables(results);
        assertTrue(tables.contains("Deep Retrieval, 3,000 items, lattice K = 16, D = 3, J = 2, model noise 0.5"), tables);
        assertTrue(tables.contains("| 4096 | 20 | 1 | 1.000 |"), tables);
        assertTrue(Files.exists(dir.resolve("indexes/lattice-k16-d3-j2-3000-b2-noise0.5/commit.arb")),
                "the lattice is written once beside the tree: " + progress);
    }
}
