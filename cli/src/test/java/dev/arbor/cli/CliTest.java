package dev.arbor.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, on a slice of the bundled MovieLens data. */
class CliTest {
    private static final Path BUNDLED = Path.of("..", "data", "ml-latest-small");

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    /** A run, with what it printed to the process's stderr (progress, picocli's own warnings) beside its writers. */
    record Captured(Run run, String stderr) {
    }

    /** Runs a command line while capturing {@link System#err}, which the writers of {@link #arbor} do not see. */
    static Captured arborCapturingStderr(String... args) {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream systemErr = System.err;
        try {
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            Run run = arbor(args);
            return new Captured(run, captured.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setErr(systemErr);
        }
    }

    static Run arbor(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = ArborCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private Path slice(int ratings) throws Exception {
        Path data = Files.createDirectories(dir.resolve("ml-slice"));
        List<String> lines = Files.readAllLines(BUNDLED.resolve("ratings.csv"));
        Files.write(data.resolve("ratings.csv"), lines.subList(0, ratings + 1));
        Files.copy(BUNDLED.resolve("movies.csv"), data.resolve("movies.csv"));
        return data;
    }

    @Test
    void trainPublishesASegmentThatEvalInspectAndSearchRead() throws Exception {
        Path data = slice(4000);
        Path index = dir.resolve("index");
        Run train = arbor("train", "--data", data.toString(), "--format", "movielens", "--model", "mlp", "--rounds", "2",
                "--epochs", "1", "--samples-per-epoch", "400", "--test-users", "5", "--validation-users", "2", "--eval-beam", "50",
                "-o", index.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("| model |") && train.out().contains("category tree, beam 200"), train.out());
        assertTrue(train.out().contains("learnt (round 1) tree"), train.out());

        Run eval = arbor("eval", index.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("brute force") && eval.out().contains("5 test users"), eval.out());

        Run inspect = arbor("inspect", index.toString());
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().contains("source.format          movielens"), inspect.out());

        Run search = arbor("search", index.toString(), "--history", "1,3,6", "-k", "5", "--beam", "20");
        assertEquals(0, search.code(), search.err());
        assertTrue(search.out().contains("5 results"), search.out());
        assertEquals(0, arbor("check", index.toString()).code());

        Path compared = dir.resolve("compare");
        Run compare = arbor("compare-hnsw", "TDM=" + index, "-k", "10", "--beams", "20", "--ef", "10,40", "--degree", "8",
                "--construction-beam", "16", "-o", compared.toString());
        assertEquals(0, compare.code(), compare.err());
        assertTrue(compare.out().contains("| TDM | beam 20 |") && compare.out().contains("| two-tower + HNSW | efSearch 40 |")
                && compare.out().contains("| two-tower | exact (all items) |"), compare.out());
        assertTrue(Files.size(compared.resolve("recall-vs-latency.png")) > 0);
        Run missing = arbor("compare-hnsw", dir.resolve("nowhere").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains(dir.resolve("nowhere") + ": no such directory"), missing.err());
    }

    @Test
    void brokenCsvLineIsReportedWithFileAndLine() throws Exception {
        Path csv = dir.resolve("log.csv");
        Files.write(csv, List.of("1,10,3,100", "1,11,3,101", "2,10,3,102", "2,11,3,x", "3,12,4,104"));
        Run run = arbor("train", "--data", csv.toString(), "--format", "csv", "-o", dir.resolve("out").toString());
        assertEquals(1, run.code());
        assertTrue(run.err().contains(csv + ":4:"), run.err());
        assertFalse(Files.exists(dir.resolve("out").resolve("commit.arb")), "nothing published");
    }

    /** A log whose users and items are strings trains, publishes and searches by those strings. */
    @Test
    void stringIdsTrainPublishAndSearch() throws Exception {
        List<String> ratings = Files.readAllLines(BUNDLED.resolve("ratings.csv")).subList(1, 4001);
        List<String> lines = new java.util.ArrayList<>(List.of("user,item,category,timestamp"));
        for (String line : ratings) {
            String[] f = line.split(",");
            lines.add("u" + f[0] + ",movie-" + f[1] + ",g" + (Integer.parseInt(f[1]) % 5) + "," + f[3]);
        }
        Path csv = dir.resolve("names.csv");
        Files.write(csv, lines);
        Path index = dir.resolve("index");
        Run train = arbor("train", "--data", csv.toString(), "--format", "csv", "--model", "mlp", "--rounds", "1",
                "--epochs", "1", "--samples-per-epoch", "400", "--test-users", "5", "--validation-users", "2",
                "--eval-beam", "50", "-o", index.toString());
        assertEquals(0, train.code(), train.err());
        assertEquals(0, arbor("check", index.toString()).code());

        Run search = arbor("search", index.toString(), "--history", "movie-1,movie-3", "-k", "5", "--beam", "20");
        assertEquals(0, search.code(), search.err());
        List<String> results = search.out().lines().filter(l -> l.matches("\\d+ +movie-\\d+ .*")).toList();
        assertEquals(5, results.size(), search.out());
        assertFalse(search.out().contains("movie-1 ") || search.out().contains("movie-3 "), "the history is excluded");

        Run unknown = arbor("search", index.toString(), "--history", "movie-1,movie-nope");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown item id movie-nope in --history"), unknown.err());
    }

    @Test
    void patienceTrainsToConvergenceOnTheValidationUsers() throws Exception {
        Path data = slice(4000);
        Captured captured = arborCapturingStderr("train", "--data", data.toString(), "--format", "movielens", "--model",
                "mlp", "--rounds", "1", "--epochs", "4", "--patience", "1", "--samples-per-epoch", "300", "--test-users", "5",
                "--validation-users", "5", "-o", dir.resolve("index").toString());
        Run train = captured.run();
        String log = captured.stderr();
        assertEquals(0, train.code(), train.err() + log);
        assertTrue(log.contains("epoch 1/4 done") && log.contains("validation R@50") && log.contains("(best)"), log);
        assertTrue(log.contains("stopped after") && log.contains("kept epoch"), log);
        for (String[] bad : new String[][] {{"--patience", "0", "--patience must be at least 1 epoch, got 0"},
                {"--time-budget", "0", "--time-budget must be more than 0 seconds, got 0.0"},
                {"--time-budget", "-3", "--time-budget must be more than 0 seconds, got -3.0"},
                {"--tune", "0", "--tune must be more than 0 seconds, got 0.0"},
                {"--tune", "5", "a tuning budget of 5.0 s is too small for one trial, which needs at least 15 s"},
                {"--loss", "hinge", "--loss must be binary or softmax, got hinge"},
                {"--algorithm", "foo", "--algorithm must be tdm, jtm, otm or dr, got foo"},
                {"--algorithm", "otm", "--otm-labels", "0", "--otm-labels must be at least 1, got 0"},
                {"--algorithm", "otm", "--otm-beam", "2", "--otm-labels", "3",
                        "--otm-beam 2 is narrower than --otm-labels 3: the beam could not hold every positive"},
                {"--algorithm", "otm", "--otm-nodes", "all", "--otm-nodes must be beam or sampled, got all"},
                {"--algorithm", "otm", "--loss", "softmax", "--loss softmax does not fit --algorithm otm"},
                {"--hierarchical-history", "-1", "--hierarchical-history must be a level >= 1, or 0 for none, got -1"},
                {"--hierarchical-history", "40", "--hierarchical-history 40 is deeper than the tree's leaf level 12"},
                {"--algorithm", "otm", "--hierarchical-history", "5",
                        "--hierarchical-history does not work with --algorithm otm yet"}}) {
            // Each case: the options, then the message.
            List<String> args = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--format",
                    "movielens", "-o", dir.resolve("bad").toString()));
            args.addAll(List.of(bad).subList(0, bad.length - 1));
            Run run = arbor(args.toArray(String[]::new));
            assertEquals(2, run.code(), run.err());
            assertTrue(run.err().contains(bad[bad.length - 1]), run.err());
        }
    }

    @Test
    void softmaxLossTrainsAndIsRecordedInTheSegment() throws Exception {
        Path data = slice(4000);
        Path index = dir.resolve("softmax");
        Run train = arbor("train", "--data", data.toString(), "--format", "movielens", "--model", "mlp", "--rounds", "1",
                "--loss", "softmax", "--epochs", "1", "--samples-per-epoch", "300", "--test-users", "5",
                "--validation-users", "2", "-o", index.toString());
        assertEquals(0, train.code(), train.err());
        Run inspect = arbor("inspect", index.toString());
        assertTrue(inspect.out().contains("train.loss             softmax"), inspect.out());
    }

    @Test
    void jtmLearnsTheTreeAndInspectShowsTheAlgorithm() throws Exception {
        Path data = slice(4000);
        Path index = dir.resolve("jtm");
        Captured captured = arborCapturingStderr("train", "--data", data.toString(), "--format", "movielens", "--model",
                "mlp", "--rounds", "2", "--algorithm", "jtm", "--jtm-gap", "4", "--epochs", "1", "--samples-per-epoch",
                "300", "--test-users", "5", "--validation-users", "2", "-o", index.toString());
        assertEquals(0, captured.run().code(), captured.run().err() + captured.stderr());
        assertTrue(captured.stderr().contains("jtm: learnt the tree"), captured.stderr());
        Run inspect = arbor("inspect", index.toString());
        assertTrue(inspect.out().contains("train.algorithm        jtm") && inspect.out().contains("train.jtm.gap          4")
                && inspect.out().contains("tree                   jtm (round 1)"), inspect.out());
        for (String[] bad : new String[][] {{"0", "--jtm-gap must be at least 1 level, got 0"},
                {"40", "--jtm-gap 40 is deeper than the tree, which has 12 levels below the root"}}) {
            Run run = arbor("train", "--data", data.toString(), "--format", "movielens", "--algorithm", "jtm",
                    "--jtm-gap", bad[0], "-o", dir.resolve("bad").toString());
            assertEquals(2, run.code(), run.err());
            assertTrue(run.err().contains(bad[1]), run.err());
        }
    }

    @Test
    void firstTreeCanComeFromTheTwoTowersItemVectors() throws Exception {
        Path data = slice(4000);
        Path index = dir.resolve("two-tower");
        Run train = arbor("train", "--data", data.toString(), "--format", "movielens", "--model", "mlp", "--rounds", "2",
                "--init-tree", "two-tower", "--epochs", "1", "--samples-per-epoch", "300", "--test-users", "5", "--validation-users", "2",
                "--eval-beam", "50", "-o", index.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("two-tower tree, beam") && train.out().contains("learnt (round 1) tree"), train.out());
        Run bad = arbor("train", "--data", data.toString(), "--init-tree", "random", "-o", dir.resolve("bad").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--init-tree must be category or two-tower, got random"), bad.err());
    }

    @Test
    void badFlagsAndArgumentsGiveUsageErrors() {
        Run unknown = arbor("search", "x", "--history", "1", "--bem", "3");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("Unknown options: '--bem'") && unknown.err().contains("Possible solutions: --beam"), unknown.err());
        Run model = arbor("synth", "--items", "10", "--model", "transformer", "-o", dir.toString());
        assertEquals(2, model.code());
        assertTrue(model.err().contains("--model must be attention or mlp"), model.err());
        Run noCommit = arbor("inspect", dir.toString());
        assertEquals(1, noCommit.code());
        assertTrue(noCommit.err().contains("commit.arb") && noCommit.err().contains("no commit"), noCommit.err());
    }

    @Test
    void exportOnnxWritesAModelThatOnnxRuntimeLoads() throws Exception {
        Path index = dir.resolve("synth");
        assertEquals(0, arbor("synth", "--items", "1000", "-o", index.toString()).code());
        Path file = dir.resolve("out").resolve("model.onnx");
        Run export = arbor("export-onnx", index.toString(), "-o", file.toString());
        assertEquals(0, export.code(), export.err());
        assertTrue(export.out().contains("history float32 [69, 24]") && export.out().contains("scores float32 [C]")
                && export.out().contains("loads in ONNX Runtime"), export.out());
        assertTrue(Files.size(file) > 100_000, "the TDM model's weights are in the file");
        assertEquals(1, arbor("export-onnx", dir.resolve("missing").toString(), "-o", file.toString()).code());
    }

    @Test
    void importOnnxPublishesTheGraphsModelAndNamesAMissingIndex() throws Exception {
        Path index = dir.resolve("synth");
        assertEquals(0, arbor("synth", "--items", "1000", "--model", "mlp", "-o", index.toString()).code());
        Path attention = dir.resolve("attention");
        assertEquals(0, arbor("synth", "--items", "500", "-o", attention.toString()).code());
        Path file = dir.resolve("attention.onnx");
        assertEquals(0, arbor("export-onnx", attention.toString(), "-o", file.toString()).code());
        Run imported = arbor("import-onnx", file.toString(), "--index", index.toString(), "--check-users", "5");
        assertEquals(0, imported.code(), imported.err());
        assertTrue(imported.out().contains("published " + index.resolve("seg-2")) && imported.out().contains(
                "model     ATTENTION_DNN(dim=24") && imported.out().contains("replaces  MLP(dim=24"), imported.out());
        Run inspect = arbor("inspect", index.toString());
        assertTrue(inspect.out().contains("import.onnx.sha256"), inspect.out());

        Run missing = arbor("import-onnx", file.toString(), "--index", dir.resolve("missing").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("not an index directory"), missing.err());
    }

    @Test
    void benchRunsATinyWorkloadAndRejectsBadSizes() {
        Run bench = arbor("bench", "--sizes", "2e3", "--models", "mlp", "--beams", "20", "-k", "10", "--queries", "4",
                "--recall-queries", "2", "--seconds", "0.02", "--threads", "1", "--level-sizes", "16", "--ort-threads", "1",
                "--index-dir", dir.resolve("indexes").toString(), "-o", dir.resolve("bench").toString());
        assertEquals(0, bench.code(), bench.err());
        assertTrue(bench.out().contains("Beam search, 2,000 items, mlp model") && bench.out().contains("| mlp | 16 | onnxruntime | 1 |"),
                bench.out());
        assertTrue(Files.exists(dir.resolve("bench").resolve("level-scoring.png")));
        Run bad = arbor("bench", "--sizes", "1e5,lots");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--sizes: \"lots\" is not a whole number"), bad.err());
    }

    @Test
    void synthWritesALatticeThatSearchAndCheckRead() {
        Path lattice = dir.resolve("lattice");
        Run synth = arbor("synth", "--items", "2000", "--lattice", "--lattice-paths", "2", "-o", lattice.toString());
        assertEquals(0, synth.code(), synth.err());
        assertTrue(synth.out().contains("2,000 items on a 13 x 3 lattice, J 2"), synth.out());
        assertEquals(0, arbor("check", lattice.toString()).code());
        Run search = arbor("search", lattice.toString(), "--history", "10000000000,10000000007", "-k", "5", "--beam",
                "50");
        assertEquals(0, search.code(), search.err());
        assertTrue(search.out().contains("5 results; beam 50 over the lattice scored"), search.out());
        Run bad = arbor("synth", "--items", "2000", "--lattice", "--lattice-shape", "4x3", "--lattice-paths", "5", "-o",
                dir.resolve("bad").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("paths per item (J) must be in [1, K = 4]"), bad.err());
    }

    @Test
    void benchRunsALatticeBesideTheTreeAndRejectsABadShape() {
        Run bench = arbor("bench", "--sizes", "2e3", "--models", "mlp", "--beams", "20", "-k", "10", "--queries", "4",
                "--recall-queries", "2", "--seconds", "0.02", "--threads", "1", "--no-levels", "--lattice", "4,16",
                "--lattice-shape", "8x3", "--lattice-paths", "2", "--lattice-noise", "0.3",
                "--index-dir", dir.resolve("indexes").toString(), "-o", dir.resolve("bench").toString());
        assertEquals(0, bench.code(), bench.err());
        assertTrue(bench.out().contains("Deep Retrieval, 2,000 items, lattice K = 8, D = 3, J = 2, model noise 0.3"),
                bench.out());
        assertTrue(Files.exists(dir.resolve("indexes/lattice-k8-d3-j2-2000-b2-noise0.3/commit.arb")));
        Run bad = arbor("bench", "--lattice", "10", "--lattice-shape", "100by3");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--lattice-shape: expected auto or K x D such as 100x3, got \"100by3\""), bad.err());
        Run tooManyPaths = arbor("bench", "--lattice", "10", "--lattice-shape", "4x3", "--lattice-paths", "5");
        assertEquals(2, tooManyPaths.code());
        assertTrue(tooManyPaths.err().contains("paths per item (J) must be in [1, K = 4], got 5"), tooManyPaths.err());
    }
}
