package dev.arbor.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.SegmentFormat;
import dev.arbor.synth.SyntheticIndex;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input at the command line: each case exits 2 (usage) or 1 (failure) with a one-line error that
 * says what is wrong, or does something documented; none prints a stack trace.
 */
class ArborCliTest {
    private static final int ITEMS = 300;
    private static final String ID = Long.toString(SyntheticIndex.itemId(5));

    @TempDir
    static Path tmp;
    static Path index;

    /** What one run printed and returned. */
    record Run(int code, String out, String err) {
        Run expect(int expectedCode, String inErr) {
            assertEquals(expectedCode, code, () -> "exit code; stderr: " + err + " stdout: " + out);
            assertTrue(err.contains(inErr), () -> "stderr should contain \"" + inErr + "\": " + err);
            assertFalse(err.contains("\tat "), () -> "no stack trace: " + err);
            return this;
        }
    }

    static Run arbor(Object... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        String[] argv = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].toString();
        }
        int code = ArborCli.run(argv, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void synth() {
        index = tmp.resolve("index");
        Run run = arbor("synth", "--items", ITEMS, "--model", "mlp", "-o", index);
        assertEquals(0, run.code(), run.err());
    }

    @Test
    void badSearchArguments() {
        arbor("search", index, "--history", "42").expect(2, "unknown item id 42");
        arbor("search", index, "--history", ID + ",abc").expect(2, "unknown item id abc in --history");
        arbor("search", index, "--history", ID + ",,7").expect(2, "--history: element 2 is empty");
        arbor("search", index, "--history", ID, "-k", 10, "--beam", 5).expect(2, "--beam 5 is narrower than -k 10");
        arbor("search", index, "--history", ID, "--beam", -1).expect(2, "narrower");
        for (int k : new int[] {0, -5, 2_000_000_000}) {
            arbor("search", index, "--history", ID, "-k", k).expect(2, "-k must be in [1, 1000000], got " + k);
        }
        arbor("search", index, "--history", ID, "-k", "ten").expect(2, "'ten' is not an int");
        arbor("search", index).expect(2, "Missing required option: '--history");
    }

    @Test
    void documentedBehaviourAtTheEdges() {
        // An empty history ranks items for the candidate alone.
        assertTrue(arbor("search", index, "--history", "").expect(0, "").out().contains("10 results"));
        // K beyond the item count returns every item once.
        Run all = arbor("search", index, "--history", ID, "-k", 1000, "--beam", 1000, "--keep-history").expect(0, "");
        assertTrue(all.out().contains(ITEMS + " results"), all.out());
        // A beam wider than the tree is the exact search.
        assertTrue(arbor("search", index, "--history", ID, "--beam", Integer.MAX_VALUE).expect(0, "").out()
                .contains("10 results"));
    }

    @Test
    void badSynthArguments() {
        Path out = tmp.resolve("never");
        arbor("synth", "--items", 0, "-o", out).expect(2, "--items must be in [1, 100000000], got 0");
        arbor("synth", "--items", -5, "-o", out).expect(2, "--items must be in [1, 100000000], got -5");
        arbor("synth", "--items", 10, "--branching", 1, "-o", out).expect(2, "branching must be >= 2, got 1");
        arbor("synth", "--items", 10, "--branching", 5000, "-o", out).expect(2, "branching must be in [2, 1024]");
        arbor("synth", "--items", 10, "--model", "transformer", "-o", out).expect(2, "--model must be attention or mlp");
        assertFalse(Files.exists(out), "nothing is written for a refused command");
    }

    @Test
    void directoriesWithoutACommit() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        for (String command : new String[] {"inspect", "check"}) {
            arbor(command, empty).expect(1, "no commit: the directory holds no published segment");
            arbor(command, tmp.resolve("missing")).expect(1, "not an index directory");
        }
        arbor("search", empty, "--history", ID).expect(1, "no commit");
    }

    @Test
    void damagedAndNewerSegmentsAreNamed() throws Exception {
        Path copy = tmp.resolve("damaged");
        Run synth = arbor("synth", "--items", ITEMS, "--model", "mlp", "-o", copy);
        assertEquals(0, synth.code(), synth.err());
        Path embeddings = copy.resolve("seg-1").resolve("embeddings.arb");
        try (RandomAccessFile raf = new RandomAccessFile(embeddings.toFile(), "rw")) {
            raf.seek(raf.length() / 2);
            int b = raf.read();
            raf.seek(raf.length() / 2);
            raf.write(b ^ 1);
        }
        arbor("check", copy).expect(1, embeddings + ": checksum failed");
        arbor("search", copy, "--history", ID).expect(1, embeddings + ": checksum failed");

        Path tree = copy.resolve("seg-1").resolve("tree.arb");
        try (RandomAccessFile raf = new RandomAccessFile(tree.toFile(), "rw")) {
            raf.seek(4 + 1 + SegmentFormat.CODEC_TREE.length());
            raf.write(SegmentFormat.VERSION_CURRENT + 1); // little-endian low byte of the version
        }
        arbor("inspect", copy).expect(1, tree + ": codec ArborTree version 2 is not supported");
    }
    @Test
    void addItemsPublishesANewGenerationAndNamesWhatItRefuses() throws Exception {
        Path grown = tmp.resolve("grown"); // 300 items on 512 leaves: 212 spare
        assertEquals(0, arbor("synth", "--items", ITEMS, "--model", "mlp", "-o", grown).code());
        Path items = Files.writeString(tmp.resolve("new.csv"), "id,category\n77,c2\n");
        assertTrue(arbor("add-items", grown, "--items", items).expect(0, "").out()
                .contains("added 1 items (0 by embedding, 1 by category centroid)"));
        Run all = arbor("search", grown, "--history", ID, "-k", 1000, "--beam", 1000, "--keep-history").expect(0, "");
        assertTrue(all.out().contains((ITEMS + 1) + " results"), all.out());

        arbor("add-items", grown, "--items", items).expect(1, items + ":2: field 'id' is 77, an item the index already"
                + " has");
        Path unknown = Files.writeString(tmp.resolve("unknown.csv"), "78,Jazz\n");
        arbor("add-items", grown, "--items", unknown).expect(1, unknown + ":1: field 'category' is \"Jazz\"");
        Path many = tmp.resolve("many.csv");
        StringBuilder lines = new StringBuilder();
        for (int id = 1000; id < 1300; id++) {
            lines.append(id).append(",c1\n");
        }
        Files.writeString(many, lines);
        arbor("add-items", grown, "--items", many).expect(1, "300 items to add, but the tree has 211 spare leaves left");
        arbor("add-items", grown).expect(2, "Missing required option: '--items=FILE'");
        arbor("add-items", grown, "--items", tmp.resolve("absent.csv")).expect(1, "absent.csv");
    }
}
