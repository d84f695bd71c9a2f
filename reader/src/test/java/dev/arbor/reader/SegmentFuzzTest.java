package dev.arbor.reader;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.FramedFile;
import dev.arbor.format.SegmentFormat;
import dev.arbor.testkit.Fuzz;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property tests: random damage to a random file of a valid index directory. Open, search and
 * {@code checkIntegrity()} either succeed with the original results (the damage changed nothing) or
 * refuse it with a {@code CorruptSegmentException} naming a file; never another exception, never a
 * hang (the runner fails a case that runs over its timeout).
 *
 * <p>"Resealed" damage recomputes the CRC afterwards, as a buggy or hostile writer would: then only the
 * structural checks at open stand between the bytes and the search, which must still end in results
 * or a clean error. The suite runs 200 cases per property; a long run:
 * {@code mvn -B -q -pl reader -am test -Dtest=SegmentFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Darbor.fuzz.tries=100000 -Darbor.fuzz.seed=random}.
 */
class SegmentFuzzTest {
    private static final int TRIES = 200;
    private static final DamageLab.Tally TALLY = new DamageLab.Tally();
    /** Values that tend to break size arithmetic: zero, signs, type limits and near-misses. */
    private static final long[] EDGES = {0, 1, -1, 2, 63, 64, 65, Integer.MAX_VALUE, Integer.MIN_VALUE,
            0xFFFF_FFFFL, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 4, 1L << 32};

    @TempDir
    Path dir;
    DamageLab lab;
    DamageLab lattice;

    @BeforeEach
    void write() throws Exception {
        lab = DamageLab.of(DamageLab.Kind.TREE, dir.resolve("tree"), 5);
        lattice = DamageLab.of(DamageLab.Kind.LATTICE, dir.resolve("lattice"), 5);
    }

    @AfterAll
    static void printSummary() {
        System.out.println(TALLY.table("Fuzzed segment damage by the check that caught it (SegmentFuzzTest):"));
    }

    @Test
    void randomByteFlips() {
        Fuzz.forAll("randomByteFlips", TRIES, r -> check(lab, r, "random byte flips", false, this::flips));
    }

    @Test
    void truncationsInsertionsAndDeletions() {
        Fuzz.forAll("truncationsInsertionsAndDeletions", TRIES,
                r -> check(lab, r, "truncations, insertions, deletions", false, this::reshape));
    }

    @Test
    void sectionTableAndFieldEdits() {
        Fuzz.forAll("sectionTableAndFieldEdits", TRIES, r -> check(lab, r, "section table / field edits", false,
                this::edit));
    }

    @Test
    void resealedDamageOfEveryKind() {
        Fuzz.forAll("resealedDamageOfEveryKind", TRIES, r -> check(lab, r, "any damage, CRC resealed", true,
                this::anyDamage));
    }

    /** The lattice's files: every damage above, half of the cases resealed. */
    @Test
    void latticeDamageOfEveryKind() {
        Fuzz.forAll("latticeDamageOfEveryKind", TRIES, r -> {
            boolean reseal = r.nextBoolean();
            check(lattice, r, reseal ? "any damage, CRC resealed" : "any damage", reseal, this::anyDamage);
        });
    }

    /** A tree whose items have names (FORMAT.md, "Item names"): every damage above, half of the cases resealed. */
    @Test
    void namedTreeDamageOfEveryKind() throws Exception {
        DamageLab named = DamageLab.of(DamageLab.Kind.NAMED_TREE, dir.resolve("named"), 5);
        Fuzz.forAll("namedTreeDamageOfEveryKind", TRIES, r -> {
            boolean reseal = r.nextBoolean();
            check(named, r, reseal ? "any damage, CRC resealed" : "any damage", reseal, this::anyDamage);
        });
    }

    private byte[] anyDamage(SplittableRandom r, DamageLab lab, String file, byte[] b) {
        return switch (r.nextInt(3)) {
            case 0 -> flips(r, lab, file, b);
            case 1 -> reshape(r, lab, file, b);
            default -> edit(r, lab, file, b);
        };
    }

    @FunctionalInterface
    private interface Damage {
        byte[] apply(SplittableRandom r, DamageLab lab, String file, byte[] bytes);
    }

    private static void check(DamageLab lab, SplittableRandom r, String kind, boolean reseal, Damage damage)
            throws Exception {
        String file = lab.files.get(r.nextInt(lab.files.size()));
        byte[] original = lab.bytes(file);
        byte[] damaged = damage.apply(r, lab, file, lab.bytes(file));
        if (reseal) {
            DamageLab.reseal(damaged);
        }
        DamageLab.Outcome o = lab.damage(file, damaged);
        boolean unchanged = Arrays.equals(damaged, original);
        TALLY.add(lab.label(unchanged ? "no-op (damage left the bytes as they were)" : kind), o);
        if (unchanged) {
            assertEquals(DamageLab.Check.NONE, o.check(), "an undamaged directory was refused: " + o.message());
            assertEquals(DamageLab.Search.SAME_RESULTS, o.search(), "an undamaged directory answered differently");
            return;
        }
        if (!reseal) {
            // CRC32 catches every burst up to 32 bits and all but 2^-32 of the rest.
            assertNotEquals(DamageLab.Check.NONE, o.check(), kind + " of " + file + " went unnoticed");
        }
        if (o.check() != DamageLab.Check.NONE) {
            assertTrue(o.message().contains(lab.path(file).toString()), "the message should name " + file + ": "
                    + o.message());
        }
    }

    /** One to eight bytes anywhere, each XORed with a random non-zero value. */
    private byte[] flips(SplittableRandom r, DamageLab lab, String file, byte[] b) {
        for (int i = 1 + r.nextInt(8); i > 0; i--) {
            b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
        }
        return b;
    }

    /** Cuts the file short, or inserts or deletes a run of bytes somewhere in it. */
    private byte[] reshape(SplittableRandom r, DamageLab lab, String file, byte[] b) {
        int at = r.nextInt(b.length + 1);
        return switch (r.nextInt(3)) {
            case 0 -> Arrays.copyOf(b, at);
            case 1 -> {
                byte[] run = new byte[1 + r.nextInt(r.nextBoolean() ? 8 : 128)];
                r.nextBytes(run);
                yield DamageLab.insert(b, at, run);
            }
            default -> DamageLab.delete(b, at, Math.min(b.length - at, 1 + r.nextInt(64)));
        };
    }

    /**
     * Rewrites one number of the frame: a field, the field or section count, or a section entry's tag,
     * type, count or offset; with an edge value, a near-miss of the old one, or another entry's value.
     */
    private byte[] edit(SplittableRandom r, DamageLab lab, String file, byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        FramedFile.Section[] sections = lab.sections(file);
        long fields = lab.fieldsStart(file), table = lab.tableStart(file);
        int fieldCount = (int) ((table - 4 - fields) / 8);
        int choice = r.nextInt(4);
        if (choice == 0 && fieldCount > 0) {
            int at = (int) (fields + 8L * r.nextInt(fieldCount));
            buf.putLong(at, newValue(r, buf.getLong(at)));
        } else if (choice == 1) {
            int at = (int) (r.nextBoolean() ? fields - 4 : table - 4);
            buf.putInt(at, (int) newValue(r, buf.getInt(at)));
        } else if (sections.length > 0) {
            int entry = (int) (table + SegmentFormat.SECTION_ENTRY_LENGTH * (long) r.nextInt(sections.length));
            int other = (int) (table + SegmentFormat.SECTION_ENTRY_LENGTH * (long) r.nextInt(sections.length));
            switch (r.nextInt(4)) {
                case 0 -> buf.putInt(entry, r.nextBoolean() ? buf.getInt(other) : (int) newValue(r, buf.getInt(entry)));
                case 1 -> buf.putInt(entry + 4, r.nextInt(-1, 8));
                default -> {
                    int at = r.nextBoolean() ? 8 : 16; // the count, or the offset
                    buf.putLong(entry + at, r.nextBoolean() ? buf.getLong(other + at) : newValue(r, buf.getLong(entry + at)));
                }
            }
        }
        return b;
    }

    private static long newValue(SplittableRandom r, long old) {
        return switch (r.nextInt(3)) {
            case 0 -> EDGES[r.nextInt(EDGES.length)];
            case 1 -> old + r.nextInt(-70, 71);
            default -> r.nextLong();
        };
    }
}
