package dev.arbor.reader;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.CorruptSegmentException;
import dev.arbor.format.FramedFile;
import dev.arbor.format.SegmentFormat;
import dev.arbor.format.SegmentVersionException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damaged segments fail with a {@link CorruptSegmentException} naming the file; none opens and answers.
 *
 * <p>The exhaustive cases cut 1..100 bytes off every file, flip single bytes in every header, field and
 * table byte, a sample of every section and every footer byte, and swap in each file from another
 * segment; for a tree directory, a tree whose items have names, and a path-lattice one. Each outcome is tallied by the check that caught it; the table is printed after the class
 * (docs/RELIABILITY.md quotes it).
 */
class CorruptionTest {
    private static final DamageLab.Tally TALLY = new DamageLab.Tally();

    @TempDir
    Path dir;
    DamageLab lab;
    Path segment;

    @BeforeEach
    void write() throws Exception {
        lab = DamageLab.of(DamageLab.Kind.TREE, dir.resolve("index"), 1);
        segment = lab.segment;
    }

    @AfterAll
    static void printSummary() {
        System.out.println(TALLY.table("Corruption cases by the check that caught them (CorruptionTest):"));
    }

    /** The tree's lab, or a named tree's or a lattice's of the same size and seed. */
    private DamageLab lab(DamageLab.Kind kind) throws Exception {
        return kind == DamageLab.Kind.TREE ? lab : DamageLab.of(kind, dir.resolve(kind.name()), 1);
    }

    @ParameterizedTest
    @EnumSource(DamageLab.Kind.class)
    void everyTruncationIsRefusedAtOpen(DamageLab.Kind kind) throws Exception {
        DamageLab lab = lab(kind);
        for (String file : lab.files) {
            byte[] whole = lab.bytes(file);
            for (int cut = 1; cut <= 100; cut++) {
                DamageLab.Outcome o = lab.damage(file, Arrays.copyOf(whole, whole.length - cut));
                assertCaught(lab, file, "truncate 1..100 bytes", o);
                assertTrue(o.atOpen(), file + " cut by " + cut + " opened: " + o);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DamageLab.Kind.class)
    void everySampledByteFlipIsCaught(DamageLab.Kind kind) throws Exception {
        DamageLab lab = lab(kind);
        SplittableRandom random = new SplittableRandom(11);
        for (String file : lab.files) {
            byte[] whole = lab.bytes(file);
            for (long pos = 0; pos < lab.payloadStart(file); pos++) {
                flip(lab, file, whole, pos, "flip header / fields / table");
            }
            for (FramedFile.Section s : lab.sections(file)) {
                long length = s.byteLength();
                flip(lab, file, whole, s.offset(), "flip section bytes");
                flip(lab, file, whole, s.offset() + length - 1, "flip section bytes");
                for (int i = 0; i < 6 && length > 2; i++) {
                    flip(lab, file, whole, s.offset() + 1 + random.nextLong(length - 2), "flip section bytes");
                }
            }
            for (long pos = whole.length - SegmentFormat.FOOTER_LENGTH; pos < whole.length; pos++) {
                flip(lab, file, whole, pos, "flip footer");
            }
        }
    }

    private void flip(DamageLab lab, String file, byte[] whole, long pos, String kind) throws Exception {
        byte[] damaged = whole.clone();
        damaged[(int) pos] ^= (byte) (1 << (pos & 7));
        assertCaught(lab, file, kind, lab.damage(file, damaged));
    }

    @ParameterizedTest
    @EnumSource(DamageLab.Kind.class)
    void everyFileSwappedInFromAnotherSegmentIsRefused(DamageLab.Kind kind) throws Exception {
        DamageLab lab = lab(kind);
        // Same shape, other content and segment id; and a differently sized one, so lengths differ too.
        List<DamageLab> others = List.of(DamageLab.of(kind, dir.resolve("other"), 2),
                DamageLab.of(kind, dir.resolve("bigger"), 3, 301));
        for (DamageLab other : others) {
            for (String file : lab.files) {
                DamageLab.Outcome o = lab.swapIn(file, other);
                assertCaught(lab, file, "swap in from another segment", o);
                assertTrue(o.atOpen(), file + " from another segment opened: " + o);
            }
        }
    }

    /** Counts the outcome and insists the damage was refused by a CorruptSegmentException naming the file. */
    private static void assertCaught(DamageLab lab, String file, String kind, DamageLab.Outcome o) {
        TALLY.add(lab.label(kind), o);
        assertNotEquals(DamageLab.Check.NONE, o.check(), kind + " of " + file + " went unnoticed");
        assertTrue(o.message().contains(lab.path(file).toString()), "the message should name " + file + ": " + o.message());
    }

    /** Regression: a codec-length byte larger than a short file used to read past its end (IndexOutOfBounds). */
    @Test
    void codecLengthBeyondAShortFileIsRefusedCleanly() throws Exception {
        byte[] commit = lab.bytes(SegmentFormat.COMMIT_FILE);
        byte[] damaged = Arrays.copyOf(commit, 70); // above the smallest valid commit, below 5 + 127 name bytes
        damaged[4] = (byte) 0x8B;
        DamageLab.Outcome o = lab.damage(SegmentFormat.COMMIT_FILE, damaged);
        assertEquals(DamageLab.Check.CODEC, o.check(), o.message());
    }

    /**
     * Regression: a damaged sorted-ordinal entry in a segment opened without verification used to escape
     * {@code SearchContext.history} as a bare IndexOutOfBoundsException; it is now a clean corruption error.
     */
    @Test
    void outOfRangeSortedOrdinalIsACleanErrorAtSearch() throws Exception {
        String file = "items.arb";
        byte[] damaged = lab.bytes(file);
        FramedFile.Section ordinals = Arrays.stream(lab.sections(file))
                .filter(sec -> sec.tag() == SegmentFormat.ITEMS_SORTED_ORDINALS).findFirst().orElseThrow();
        ByteBuffer.wrap(damaged).order(ByteOrder.LITTLE_ENDIAN).putInt((int) ordinals.offset(), Integer.MAX_VALUE);
        Files.write(lab.path(file), damaged);
        long firstId = dev.arbor.synth.SyntheticIndex.itemId(0); // sorted ids start with it
        try (TreeSegment s = IndexDirectory.openLatest(dir.resolve("index"))) {
            var ctx = new dev.arbor.search.BeamSearcher(s).newContext();
            var e = assertThrows(java.io.UncheckedIOException.class, () -> ctx.history(new long[] {firstId}, 1));
            assertInstanceOf(CorruptSegmentException.class, e.getCause());
            assertTrue(e.getMessage().contains(lab.path(file).toString()), e.getMessage());
        }
    }

    /** Embeddings whose dimension disagrees with the model's, resealed so that only the cross-file check can tell. */
    @Test
    void embeddingDimensionThatDisagreesWithTheModelIsRefused() throws Exception {
        String file = "embeddings.arb";
        byte[] damaged = lab.bytes(file);
        ByteBuffer.wrap(damaged).order(ByteOrder.LITTLE_ENDIAN).putLong((int) lab.fieldsStart(file) + 8, 16); // field 1: dim
        DamageLab.Outcome o = lab.damage(file, DamageLab.reseal(damaged));
        assertEquals(DamageLab.Check.CROSS_FILE, o.check(), o.message());
        assertTrue(o.atOpen() && o.message().contains(lab.path("model.arb").toString()), o.message());
    }

    /**
     * Damage to the categories of {@code items.arb}, each refused naming the file: a flip by the checksum; resealed, a
     * bad name table at open and an out-of-range category by {@code checkIntegrity()} (and by the read of it).
     */
    @Test
    void damagedCategoriesAreRefusedNamingTheFile() throws Exception {
        String file = "items.arb";
        long categories = section(file, SegmentFormat.ITEMS_CATEGORIES).offset();
        long ends = section(file, SegmentFormat.ITEMS_CATEGORY_NAME_ENDS).offset();
        long names = section(file, SegmentFormat.ITEMS_CATEGORY_NAMES).offset(); // "c0c1c2..."
        byte[] b = lab.bytes(file);
        b[(int) categories + 1] ^= 1;
        refused(file, b, DamageLab.Check.CHECKSUM, false, "checksum failed");

        for (int category : new int[] {20, -2, Integer.MIN_VALUE}) {
            b = lab.bytes(file);
            le(b).putInt((int) categories + 4 * 7, category);
            DamageLab.Outcome o = refused(file, DamageLab.reseal(b), DamageLab.Check.FIELDS_AND_TABLE, false,
                    "item 7 has category " + category + ", outside [-1, 20)");
            assertEquals(DamageLab.Search.CLEAN_ERROR, o.search(), "reading the category fails cleanly");
        }

        b = lab.bytes(file);
        b[(int) names + 3] = '0';
        refused(file, DamageLab.reseal(b), DamageLab.Check.FIELDS_AND_TABLE, true, "name 1 \"c0\" repeats name 0");
        b = lab.bytes(file);
        le(b).putLong((int) ends + 8, 2);
        refused(file, DamageLab.reseal(b), DamageLab.Check.FIELDS_AND_TABLE, true, "name 1 ends at 2, outside (2, ");
        b = lab.bytes(file);
        le(b).putLong((int) ends + 8 * 19, 48); // "c19" becomes "c": 2 bytes in no name
        refused(file, DamageLab.reseal(b), DamageLab.Check.FIELDS_AND_TABLE, true, "the names end at 48, but");
        b = lab.bytes(file);
        b[(int) names + 1] = (byte) 0xC0; // a lead byte without its continuation
        refused(file, DamageLab.reseal(b), DamageLab.Check.FIELDS_AND_TABLE, true, "name 0 is not valid UTF-8");
        b = lab.bytes(file);
        le(b).putLong((int) lab.fieldsStart(file) + 8, 0);
        refused(file, DamageLab.reseal(b), DamageLab.Check.FIELDS_AND_TABLE, true, "field categoryCount is 0");

        b = Arrays.copyOf(lab.bytes(file), (int) names + 5);
        refused(file, b, DamageLab.Check.LENGTH, true, "truncated");
    }

    /**
     * Damage to the item names of {@code items.arb}, each refused naming the file: a flip by the checksum; resealed,
     * names that do not end where the bytes do at open, and by {@code checkIntegrity()} an end out of order (which a
     * read of the name also refuses), bytes that are not UTF-8 and a name that is not its item's id's.
     */
    @Test
    void damagedItemNamesAreRefusedNamingTheFile() throws Exception {
        DamageLab named = DamageLab.of(DamageLab.Kind.NAMED_TREE, dir.resolve("named"), 1);
        String file = "items.arb";
        long ends = section(named, file, SegmentFormat.ITEMS_NAME_ENDS).offset();
        FramedFile.Section bytes = section(named, file, SegmentFormat.ITEMS_NAMES); // "sku-0" "" "商品-2" "sku-3" ...
        long names = bytes.offset();
        byte[] b = named.bytes(file);
        b[(int) names + 2] ^= 1;
        refused(named, file, b, DamageLab.Check.CHECKSUM, false, "checksum failed");

        b = named.bytes(file);
        b[(int) names + 4] = '7'; // "sku-0" becomes "sku-7", a name, but not the one of item 0's id
        DamageLab.Outcome o = refused(named, file, DamageLab.reseal(b), DamageLab.Check.FIELDS_AND_TABLE, false,
                "item 0's name \"sku-7\" is not a name or not the name of its id");
        assertEquals(DamageLab.Search.OTHER_RESULTS, o.search(), "the name no longer finds its item");
        b = named.bytes(file);
        b[(int) names + 1] = (byte) 0xC0; // a lead byte without its continuation
        refused(named, file, DamageLab.reseal(b), DamageLab.Check.FIELDS_AND_TABLE, false,
                "item 0's name is not valid UTF-8");
        b = named.bytes(file);
        le(b).putLong((int) ends, bytes.byteLength() + 1);
        o = refused(named, file, DamageLab.reseal(b), DamageLab.Check.FIELDS_AND_TABLE, false,
                "item 0's name ends at " + (bytes.byteLength() + 1) + ", outside [0, " + bytes.byteLength() + "]");
        assertEquals(DamageLab.Search.CLEAN_ERROR, o.search(), "reading the name fails cleanly");
        b = named.bytes(file);
        le(b).putLong((int) ends + 8 * (DamageLab.ITEMS - 1), bytes.byteLength() - 1);
        refused(named, file, DamageLab.reseal(b), DamageLab.Check.FIELDS_AND_TABLE, true,
                "the names end at " + (bytes.byteLength() - 1) + ", but itemNames has " + bytes.byteLength());

        b = Arrays.copyOf(named.bytes(file), (int) names + 5);
        refused(named, file, b, DamageLab.Check.LENGTH, true, "truncated");
    }

    private FramedFile.Section section(String file, int tag) {
        return section(lab, file, tag);
    }

    private static FramedFile.Section section(DamageLab lab, String file, int tag) {
        return Arrays.stream(lab.sections(file)).filter(s -> s.tag() == tag).findFirst().orElseThrow();
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private DamageLab.Outcome refused(String file, byte[] damaged, DamageLab.Check check, boolean atOpen, String says)
            throws Exception {
        return refused(lab, file, damaged, check, atOpen, says);
    }

    private static DamageLab.Outcome refused(DamageLab lab, String file, byte[] damaged, DamageLab.Check check,
            boolean atOpen, String says) throws Exception {
        DamageLab.Outcome o = lab.damage(file, damaged);
        assertEquals(check, o.check(), o.message());
        assertEquals(atOpen, o.atOpen(), o.message());
        assertTrue(o.message().contains(lab.path(file).toString()) && o.message().contains(says), o.message());
        return o;
    }

    @Test
    void newerFormatVersionIsRefusedWithVersions() throws Exception {
        Path file = segment.resolve("tree.arb");
        int versionOffset = 4 + 1 + SegmentFormat.CODEC_TREE.length();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(versionOffset);
            raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(SegmentFormat.VERSION_CURRENT + 1).array());
        }
        SegmentVersionException e = assertThrows(SegmentVersionException.class, () -> TreeSegment.open(segment).close());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("version 2")
                && e.getMessage().contains("versions 1 to 1"), e.getMessage());
    }

    @Test
    void directoryWithoutCommitSaysSo() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> IndexDirectory.openLatest(empty));
        assertTrue(e.getMessage().contains("commit.arb") && e.getMessage().contains("no commit"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() throws Exception {
        Files.delete(segment.resolve("model.arb"));
        CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> TreeSegment.open(segment).close());
        assertTrue(e.getMessage().contains("model.arb") && e.getMessage().contains("missing"), e.getMessage());
    }
}
