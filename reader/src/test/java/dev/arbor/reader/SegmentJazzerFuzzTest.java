package dev.arbor.reader;

import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of the segment readers with Jazzer: the fuzzer's bytes choose one file of a valid index
 * directory ({@link DamageLab}: a tree's, or in the second target a path lattice's, in the third a tree whose items
 * have names) and 1 to 4 edits to it (a byte
 * XOR, a 4- or 8-byte number written anywhere, a cut, an insertion, a deletion), and whether the CRC is recomputed
 * afterwards. {@link DamageLab#probe()} then opens the directory unverified, searches (or reads every path and list
 * of the lattice), and verifies every checksum (what {@code openVerified} does).
 *
 * <p>The property: unchanged bytes answer exactly as before; a file whose CRC no longer matches is refused; a
 * refusal is a {@code CorruptSegmentException} naming the file; anything else, other exception types included,
 * fails. A file with a valid CRC (resealed, or forged by the fuzzer, which sees the comparison) may open: it is a
 * valid segment with other content, and only has to search without error.
 *
 * <p>{@code mvn test} replays the seeds in {@code SegmentJazzerFuzzTestInputs/<method>/}; fuzzing is
 * {@code JAZZER_FUZZ=1} (see docs/RELIABILITY.md).
 */
class SegmentJazzerFuzzTest {
    private static final DamageLab.Tally TALLY = new DamageLab.Tally();

    @TempDir
    static Path dir;
    /** One directory per kind for every input (each probe restores the file it damaged); 50 items keep a probe quick. */
    static DamageLab tree, lattice, named;

    @BeforeAll
    static void write() throws Exception {
        tree = DamageLab.of(DamageLab.Kind.TREE, dir.resolve("tree"), 5, 50);
        lattice = DamageLab.of(DamageLab.Kind.LATTICE, dir.resolve("lattice"), 5, 50);
        named = DamageLab.of(DamageLab.Kind.NAMED_TREE, dir.resolve("named"), 5, 50);
    }

    @AfterAll
    static void printSummary() {
        System.out.println(TALLY.table("Jazzer inputs by the check that caught them (SegmentJazzerFuzzTest):"));
    }

    @FuzzTest(maxExecutions = 125_000, maxDuration = "30m")
    void damagedSegmentIsAnsweredOrRefusedNamingTheFile(FuzzedDataProvider data) throws Exception {
        damagedIsAnsweredOrRefusedNamingTheFile(tree, data);
    }

    /** The same for a path-lattice directory, whose probe reads every path and list instead of searching. */
    @FuzzTest(maxExecutions = 125_000, maxDuration = "30m")
    void damagedLatticeIsAnsweredOrRefusedNamingTheFile(FuzzedDataProvider data) throws Exception {
        damagedIsAnsweredOrRefusedNamingTheFile(lattice, data);
    }

    /** The same for a tree whose items have names, whose probe also looks items up by name and reads every name. */
    @FuzzTest(maxExecutions = 125_000, maxDuration = "30m")
    void damagedNamedTreeIsAnsweredOrRefusedNamingTheFile(FuzzedDataProvider data) throws Exception {
        damagedIsAnsweredOrRefusedNamingTheFile(named, data);
    }

    private static void damagedIsAnsweredOrRefusedNamingTheFile(DamageLab lab, FuzzedDataProvider data)
            throws Exception {
        String file = data.pickValue(lab.files);
        boolean reseal = data.consumeBoolean();
        byte[] original = lab.bytes(file);
        byte[] damaged = original.clone();
        for (int edits = data.consumeInt(1, 4); edits > 0; edits--) {
            damaged = edit(data, damaged);
        }
        if (reseal) {
            DamageLab.reseal(damaged);
        }
        DamageLab.Outcome o = lab.damage(file, damaged);
        boolean unchanged = Arrays.equals(damaged, original);
        TALLY.add(lab.label(unchanged ? "unchanged" : reseal ? "damaged, CRC resealed" : "damaged"), o);
        if (unchanged) {
            assertEquals(DamageLab.Check.NONE, o.check(), "an undamaged directory was refused: " + o.message());
            assertEquals(DamageLab.Search.SAME_RESULTS, o.search(), "an undamaged directory answered differently");
            return;
        }
        if (o.check() == DamageLab.Check.NONE) {
            assertArrayEquals(damaged, DamageLab.reseal(damaged.clone()), file + " opened and verified with a wrong CRC");
        } else {
            assertTrue(o.message().contains(lab.path(file).toString()), "the message should name " + file + ": "
                    + o.message());
        }
    }

    private static byte[] edit(FuzzedDataProvider data, byte[] b) {
        int at = data.consumeInt(0, b.length);
        return switch (data.consumeInt(0, 4)) {
            case 0 -> {
                if (at < b.length) {
                    b[at] ^= data.consumeByte();
                }
                yield b;
            }
            case 1 -> {
                ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                if (data.consumeBoolean() && at + 8 <= b.length) {
                    buf.putLong(at, data.consumeLong());
                } else if (at + 4 <= b.length) {
                    buf.putInt(at, data.consumeInt());
                }
                yield b;
            }
            case 2 -> Arrays.copyOf(b, at);
            case 3 -> DamageLab.insert(b, at, data.consumeBytes(data.consumeInt(1, 128)));
            default -> DamageLab.delete(b, at, Math.min(b.length - at, data.consumeInt(1, 64)));
        };
    }
}
