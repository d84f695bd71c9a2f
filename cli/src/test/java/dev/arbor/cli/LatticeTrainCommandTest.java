package dev.arbor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arbor train --algorithm dr}: EM rounds published as path lattices that eval, inspect, search and check read. */
class LatticeTrainCommandTest {
    private static final Path BUNDLED = Path.of("..", "data", "ml-latest-small");

    @TempDir
    Path dir;

    private Path slice(int ratings) throws Exception {
        Path data = Files.createDirectories(dir.resolve("ml-slice"));
        List<String> lines = Files.readAllLines(BUNDLED.resolve("ratings.csv"));
        Files.write(data.resolve("ratings.csv"), lines.subList(0, ratings + 1));
        Files.copy(BUNDLED.resolve("movies.csv"), data.resolve("movies.csv"));
        return data;
    }

    @Test
    void trainPublishesALatticeThatEvalInspectSearchAndCheckRead() throws Exception {
        Path data = slice(4000);
        Path index = dir.resolve("dr");
        CliTest.Captured captured = CliTest.arborCapturingStderr("train", "--data", data.toString(), "--format",
                "movielens", "--algorithm", "dr", "--codes", "16", "--depth", "2", "--paths", "2", "--rounds", "2",
                "--epochs", "1", "--samples-per-epoch", "300", "--dr-m-step-samples", "300", "--dr-negatives", "20",
                "--test-users", "5", "--validation-users", "2", "--eval-beam", "50", "--threads", "2", "-o",
                index.toString());
        CliTest.Run train = captured.run();
        assertEquals(0, train.code(), train.err() + captured.stderr());
        assertTrue(captured.stderr().contains("dr: M-step in"), captured.stderr());
        assertTrue(train.out().contains("DR K=16 D=2 J=2, round 2, rerank brute force")
                && train.out().contains("DR K=16 D=2 J=2, round 2, beam 50"), train.out());
        assertTrue(train.out().contains("round 2: R@200 of DR / rerank brute force = "), train.out());

        CliTest.Run eval = CliTest.arbor("eval", index.toString(), "--beam", "50");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("a 16 x 2 path lattice, J = 2") && eval.out().contains("5 test users")
                && eval.out().contains("DR K=16 D=2 J=2, rerank brute force"), eval.out());

        CliTest.Run inspect = CliTest.arbor("inspect", index.toString());
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().contains("kind         path lattice")
                && inspect.out().contains("K = 16 codes x D = 2 layers (256 possible paths), J = 2 paths per item")
                && inspect.out().contains("train.algorithm        dr")
                && inspect.out().contains("train.dr.codes         16")
                && inspect.out().contains("train.dr.alpha         1.0E-5")
                && inspect.out().contains("train.rounds           2"), inspect.out());

        CliTest.Run search = CliTest.arbor("search", index.toString(), "--history", "1,3,6", "-k", "5", "--beam", "20");
        assertEquals(0, search.code(), search.err());
        assertTrue(search.out().contains("5 results; beam 20 over the lattice"), search.out());
        CliTest.Run check = CliTest.arbor("check", index.toString());
        assertEquals(0, check.code(), check.err());
        assertTrue(check.out().contains("path lattice") && check.out().contains("paths.arb")
                && check.out().contains("check passed"), check.out());
    }

    @Test
    void latticeShapesOutOfRangeAreRefusedByOption() throws Exception {
        Path data = slice(500);
        String[][] cases = {
                {"--codes", "1", "--codes (K) must be in [2, 65536], got 1"},
                {"--depth", "0", "--depth (D) must be in [1, 64], got 0"},
                {"--depth", "65", "--depth (D) must be in [1, 64], got 65"},
                {"--paths", "0", "--paths (J) must be in [1, 1024], got 0"},
                {"--paths", "10", "--paths 10 exceeds the 9 paths of a --codes 3 x --depth 2 lattice (J must be at most"
                        + " K^D)"},
                {"--depth", "40", "--codes 3 --depth 40: K^D = 3^40 paths do not fit in 63 bits"},
        };
        for (String[] c : cases) {
            List<String> args = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--format",
                    "movielens", "--algorithm", "dr", "--codes", "3", "--depth", "2", "--paths", "2", "-o",
                    dir.resolve("bad").toString()));
            int at = args.indexOf(c[0]);
            args.set(at + 1, c[1]);
            CliTest.Run run = CliTest.arbor(args.toArray(String[]::new));
            assertEquals(2, run.code(), String.join(" ", args) + "\n" + run.err());
            assertTrue(run.err().contains(c[2]), run.err());
        }
    }
}
