package dev.arbor.reader;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.CorruptSegmentException;
import dev.arbor.format.FramedFile;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeIndex;
import dev.arbor.format.LatticeShape;
import dev.arbor.format.LatticeWeights;
import dev.arbor.format.SegmentFormat;
import dev.arbor.format.TensorSpec;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A path-lattice segment reads back as written, its path lists are the inverse of its items' paths, the kind of an
 * index directory decides which reader opens it, and damaged paths, tensors and fields are refused naming the file.
 */
class LatticeSegmentTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"300,6,3,3,5", "1,2,1,1,0", "500,100,2,5,0", "40,65536,3,2,3", "64,2,62,4,1"})
    void everyAccessorReadsBackWhatWasWritten(int items, int k, int depth, int paths, int categories) throws Exception {
        LatticeArchitecture arch = new LatticeArchitecture(new LatticeShape(k, depth), 4, new int[] {2, 1},
                new int[] {8, 5}, new int[] {6});
        LatticeIndex index = RandomLattice.generate(arch, paths, items, 7, categories);
        assertEquals(dir.resolve("seg-1"), SegmentWriter.write(dir, index));
        assertEquals(SegmentFormat.INDEX_KIND_PATH_LATTICE, IndexDirectory.kind(dir));
        try (LatticeSegment s = IndexDirectory.openLatestLatticeVerified(dir)) {
            assertEquals(k, s.k());
            assertEquals(depth, s.depth());
            assertEquals(paths, s.pathsPerItem());
            assertEquals(items, s.itemCount());
            assertEquals(arch, s.architecture());
            for (int i = 0; i < items; i++) {
                assertEquals(index.itemIds()[i], s.itemId(i));
                assertEquals(i, s.ordinalOf(index.itemIds()[i]));
                assertEquals(index.itemCategories()[i], s.categoryOf(i));
                for (int j = 0; j < paths; j++) {
                    for (int d = 0; d < depth; d++) {
                        assertEquals(index.itemPaths()[(i * paths + j) * depth + d], s.itemPath(i, j, d));
                    }
                    assertEquals(key(index, i, j), s.itemPathKey(i, j), "item " + i + " path " + j);
                }
            }
            assertEquals(-1, s.ordinalOf(12345));
            assertEquals(categories, s.categoryCount());
            for (int c = 0; c < categories; c++) {
                assertEquals("c" + c, s.categoryName(c));
                assertEquals(c, s.categoryOrdinal("c" + c));
            }
            assertPathListsInvertTheItemsPaths(index, s);
            assertFloats(index.itemEmbeddings(), s.itemEmbeddings(), "itemEmbeddings");
            assertFloats(index.rerankEmbeddings(), s.rerankEmbeddings(), "rerankEmbeddings");
            List<TensorSpec> specs = arch.tensors();
            for (int t = 0; t < specs.size(); t++) {
                assertFloats(index.model().tensors()[t], s.tensor(t), specs.get(t).name());
                assertEquals(0, s.tensor(t).address() % 64, specs.get(t).name() + " is 64-byte aligned");
            }
            for (int d = 0; d < depth; d++) {
                assertFloats(index.model().tensor(LatticeArchitecture.codeTensor(d)), s.codeEmbeddings(d), "code" + d);
            }
            assertFloats(index.model().tensor("layer0.out.b"), s.tensor("layer0.out.b"), "layer0.out.b");
            assertEquals(0, s.itemEmbeddings().address() % 64);
            assertEquals(0, s.rerankEmbeddings().address() % 64);
            assertEquals("random lattice", s.properties().get("source"));
            assertEquals(arch.toString(), s.properties().get("model"));
            assertThrows(IndexOutOfBoundsException.class, () -> s.itemPath(items, 0, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> s.itemPath(0, paths, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> s.itemPath(0, 0, depth));
            assertThrows(IndexOutOfBoundsException.class, () -> s.codeEmbeddings(depth));
            assertThrows(IndexOutOfBoundsException.class, () -> s.pathKey(s.pathCount()));
        }
    }

    /** Key of item {@code i}'s path {@code j} computed here, digit by digit, or -1 for an unused slot. */
    private static long key(LatticeIndex index, int i, int j) {
        int depth = index.lattice().depth(), from = (i * index.pathsPerItem() + j) * depth;
        if (index.itemPaths()[from] == -1) {
            return -1;
        }
        long key = 0;
        for (int d = 0; d < depth; d++) {
            key = Math.addExact(Math.multiplyExact(key, index.lattice().k()), index.itemPaths()[from + d]);
        }
        return key;
    }

    /** The inverse of item to paths, computed here with a sorted map, equals the segment's path lists. */
    private static void assertPathListsInvertTheItemsPaths(LatticeIndex index, LatticeSegment s) {
        SortedMap<Long, TreeSet<Integer>> inverse = new TreeMap<>();
        for (int i = 0; i < index.itemCount(); i++) {
            for (int j = 0; j < index.pathsPerItem(); j++) {
                if (key(index, i, j) >= 0) {
                    assertTrue(inverse.computeIfAbsent(key(index, i, j), x -> new TreeSet<>()).add(i));
                }
            }
        }
        assertEquals(inverse.size(), s.pathCount());
        int p = 0;
        for (var entry : inverse.entrySet()) {
            assertEquals(entry.getKey(), s.pathKey(p++));
            long range = s.pathRange(entry.getKey());
            List<Integer> listed = new ArrayList<>();
            for (int e = LatticeSegment.rangeStart(range); e < LatticeSegment.rangeEnd(range); e++) {
                listed.add(s.pathItem(e));
            }
            assertEquals(List.copyOf(entry.getValue()), listed, "items of path " + entry.getKey());
        }
        long keySpace = index.lattice().keySpace();
        for (long absent : new long[] {-1, Long.MIN_VALUE, keySpace, Long.MAX_VALUE, inverse.firstKey() - 1,
                inverse.lastKey() + 1, firstGap(inverse)}) {
            if (!inverse.containsKey(absent)) {
                assertEquals(-1, s.pathRange(absent), "no item has path " + absent);
            }
        }
    }

    private static long firstGap(SortedMap<Long, ?> map) {
        long k = map.firstKey();
        while (map.containsKey(k)) {
            k++;
        }
        return k;
    }

    private static void assertFloats(float[] expected, MemorySegment actual, String name) {
        assertEquals(expected.length * 4L, actual.byteSize(), name);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]),
                    Float.floatToRawIntBits(actual.getAtIndex(FramedFile.FLOAT, i)), name + "[" + i + "]");
        }
    }

    @Test
    void anItemWithFewerThanJPathsHasUnusedSlotsAndIsListedOncePerPath() throws Exception {
        LatticeShape lattice = new LatticeShape(3, 2);
        LatticeArchitecture arch = new LatticeArchitecture(lattice, 2, new int[] {1}, new int[] {3}, new int[] {3});
        int[] codes = {
                2, 1, -1, -1, -1, -1, // item 0: path 7 only
                2, 1, 0, 0, 1, 2,     // item 1: paths 7, 0 and 5
                0, 0, 2, 2, -1, -1};  // item 2: paths 0 and 8
        LatticeIndex index = new LatticeIndex(LatticeWeights.gaussian(arch, 1, 3), 3, new long[] {30, 10, 20}, codes,
                new float[6], new float[6], Map.of());
        SegmentWriter.write(dir, index);
        try (LatticeSegment s = IndexDirectory.openLatestLatticeVerified(dir)) {
            assertEquals(7, s.itemPathKey(0, 0));
            assertEquals(-1, s.itemPathKey(0, 1));
            assertEquals(-1, s.itemPathKey(0, 2));
            assertEquals(LatticeShape.NO_PATH, s.itemPath(0, 2, 1));
            assertEquals(1, s.itemPath(1, 2, 0));
            assertEquals(-1, s.itemPathKey(2, 2));
            assertEquals(4, s.pathCount());
            assertArrayEquals(new int[] {1, 2}, items(s, 0));
            assertArrayEquals(new int[] {1}, items(s, 5));
            assertArrayEquals(new int[] {0, 1}, items(s, 7));
            assertArrayEquals(new int[] {2}, items(s, 8));
            assertEquals(-1, s.pathRange(1));
            assertEquals(0, s.categoryCount());
            assertEquals(-1, s.categoryOf(2));
            assertEquals(2, s.ordinalOf(20));
        }
    }

    private static int[] items(LatticeSegment s, long key) {
        long range = s.pathRange(key);
        int[] out = new int[LatticeSegment.rangeEnd(range) - LatticeSegment.rangeStart(range)];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.pathItem(LatticeSegment.rangeStart(range) + i);
        }
        return out;
    }

    /** Generations are shared by the kinds; each reader refuses the other's segment, naming the meta file. */
    @Test
    void theLiveSegmentsKindDecidesWhichReaderOpensIt() throws Exception {
        SegmentWriter.write(dir, RandomLattice.generate(20, 1));
        Path meta = dir.resolve("seg-1").resolve(SegmentFormat.META_FILE);
        refused(meta, "index kind 2 (path lattice) is not supported by this reader, which reads kind 1 (tree); a tree"
                + " opens as a TreeSegment, a path lattice as a LatticeSegment", () -> IndexDirectory.openLatest(dir).close());
        refused(meta, "index kind 2 (path lattice) is not supported", () -> IndexDirectory.openLatestVerified(dir).close());

        SegmentWriter.write(dir, SyntheticIndex.generate(20, 2, dev.arbor.format.ModelKind.MLP, 1));
        assertEquals(SegmentFormat.INDEX_KIND_TREE, IndexDirectory.kind(dir));
        assertEquals(2, IndexDirectory.readCommit(dir).generation());
        refused(dir.resolve("seg-2").resolve(SegmentFormat.META_FILE), "index kind 1 (tree) is not supported by this"
                + " reader, which reads kind 2 (path lattice)", () -> IndexDirectory.openLatestLattice(dir).close());
        try (TreeSegment s = IndexDirectory.openLatestVerified(dir)) {
            assertEquals(20, s.itemCount());
        }

        SegmentWriter.write(dir, RandomLattice.generate(30, 2));
        assertEquals(SegmentFormat.INDEX_KIND_PATH_LATTICE, IndexDirectory.kind(dir));
        try (LatticeSegment s = IndexDirectory.openLatestLattice(dir)) {
            assertEquals(30, s.itemCount());
        }
    }

    private static void refused(Path file, String says, Executable open) {
        CorruptSegmentException e = assertThrows(CorruptSegmentException.class, open);
        assertEquals(file.toString(), e.resource());
        assertTrue(e.getMessage().contains(says), e.getMessage());
    }

    /** Damage that a writer with a bug could leave, CRC resealed: refused at open or by checkIntegrity(), naming the file. */
    @Test
    void damagedPathsAreRefusedNamingTheFile() throws Exception {
        DamageLab lab = DamageLab.of(DamageLab.Kind.LATTICE, dir, 3, 60);
        String file = SegmentFormat.PATHS_FILE;
        LatticeIndex index = RandomLattice.generate(60, 3);
        int k = index.lattice().k(), depth = index.lattice().depth(), paths = index.pathsPerItem();
        long codes = section(lab, file, SegmentFormat.PATHS_ITEM_CODES).offset();
        long keys = section(lab, file, SegmentFormat.PATHS_KEYS).offset();
        long starts = section(lab, file, SegmentFormat.PATHS_STARTS).offset();
        long items = section(lab, file, SegmentFormat.PATHS_ITEMS).offset();
        int pathCount = (int) section(lab, file, SegmentFormat.PATHS_KEYS).count();
        int entries = (int) section(lab, file, SegmentFormat.PATHS_ITEMS).count();

        byte[] b = lab.bytes(file);
        le(b).putInt((int) codes + 4, k);
        DamageLab.Outcome o = refused(lab, file, b, false, "section itemCodes: item 0 path 0 has code 6 at layer 1,"
                + " outside [0, 6)");
        assertEquals(DamageLab.Search.CLEAN_ERROR, o.search(), "reading the code fails cleanly");
        b = lab.bytes(file);
        le(b).putInt((int) codes + 4, -1);
        refused(lab, file, b, false, "item 0 path 0 has code -1 at layer 1, outside [0, 6)");

        b = lab.bytes(file);
        long second = le(b).getLong((int) keys + 8);
        le(b).putLong((int) keys + 8, le(b).getLong((int) keys));
        le(b).putLong((int) keys, second);
        refused(lab, file, b, false, "section pathKeys: path 1 has key");
        b = lab.bytes(file);
        le(b).putLong((int) keys + 8 * (pathCount - 1), index.lattice().keySpace());
        refused(lab, file, b, true, "section pathKeys: the keys run from");
        b = lab.bytes(file);
        le(b).putInt((int) starts + 4 * pathCount, entries - 1);
        refused(lab, file, b, true, "section pathStarts: the lists start at 0 and end at " + (entries - 1)
                + ", expected 0 and " + entries);
        b = lab.bytes(file);
        le(b).putInt((int) starts + 4, 0);
        refused(lab, file, b, false, "section pathStarts: path 0 (key " + le(b).getLong((int) keys) + ") ends at 0, not"
                + " after its start 0");
        b = lab.bytes(file);
        le(b).putInt((int) items, 60);
        refused(lab, file, b, false, "section pathItems: entry 0 of path 0");

        // Two single-item lists whose items trade places: each list stays sorted, but neither is the inverse.
        int[] single = new int[2];
        try (LatticeSegment s = LatticeSegment.open(lab.segment)) {
            for (int p = 0, found = 0; found < 2; p++) {
                long range = s.pathRange(s.pathKey(p));
                if (LatticeSegment.rangeEnd(range) - LatticeSegment.rangeStart(range) == 1
                        && (found == 0 || s.pathItem(single[0]) != s.pathItem(LatticeSegment.rangeStart(range)))) {
                    single[found++] = LatticeSegment.rangeStart(range);
                }
            }
        }
        b = lab.bytes(file);
        int first = le(b).getInt((int) items + 4 * single[0]);
        le(b).putInt((int) items + 4 * single[0], le(b).getInt((int) items + 4 * single[1]));
        le(b).putInt((int) items + 4 * single[1], first);
        refused(lab, file, b, false, "lacks item");

        int twoPaths = 0;
        while (index.pathKey(twoPaths, 1) == LatticeShape.NO_PATH) {
            twoPaths++;
        }
        int slot0 = (int) codes + 4 * twoPaths * paths * depth, slot1 = slot0 + 4 * depth;
        b = lab.bytes(file);
        System.arraycopy(b, slot0, b, slot1, 4 * depth);
        refused(lab, file, b, false, "section itemCodes: item " + twoPaths + " has path " + index.pathKey(twoPaths, 0)
                + " twice");
        b = lab.bytes(file);
        for (int d = 0; d < depth; d++) {
            le(b).putInt(slot0 + 4 * d, -1);
        }
        refused(lab, file, b, false, "section itemCodes: item " + twoPaths + " path 1 follows an unused slot");
        b = lab.bytes(file);
        le(b).putInt(slot1 + 4, -1);
        refused(lab, file, b, false, "item " + twoPaths + " path 1 has code -1 at layer 1, outside [0, 6)");
    }

    /** Fields that disagree with each other or with the sections' sizes are refused at open, CRC resealed. */
    @Test
    void inconsistentFieldsAreRefusedAtOpen() throws Exception {
        DamageLab lab = DamageLab.of(DamageLab.Kind.LATTICE, dir, 3, 60);
        String paths = SegmentFormat.PATHS_FILE, model = SegmentFormat.LATTICE_MODEL_FILE;
        String embeddings = SegmentFormat.ITEM_EMBEDDINGS_FILE;
        refusedField(lab, paths, 1, 25, "inconsistent lattice: K^D = 6^25 paths do not fit in 63 bits");
        refusedField(lab, paths, 0, 1, "field K is 1, outside [2, 65536]");
        refusedField(lab, paths, 2, 1025, "field J is 1025, outside [1, 1024]");
        refusedField(lab, paths, 3, 61, "section itemCodes has 540 elements, expected 549");
        refusedField(lab, paths, 3, 1 << 30, "fields itemCount, J and D: 1073741824 x 3 x 3 codes are more than");
        refusedField(lab, paths, 4, 0, "field pathCount is 0, outside [1, ");
        refusedField(lab, paths, 5, 59, "field pathItemCount is 59, outside [");
        // The model's layer hidden width 8 becomes 9: the first layer's weights no longer have their size.
        refusedField(lab, model, 6 + 2, 9, "section layer0.mlp0.w has 64 elements, expected 72");
        refusedField(lab, model, 6 + 2 + 2, 7, "section rerank.mlp0.w has 48 elements, expected 56");
        refusedField(lab, model, 1, 7, "field K is 7, but " + lab.path(paths) + " implies 6: the files disagree");
        refusedField(lab, model, 2, 2, "field D is 2, but " + lab.path(paths) + " implies 3");
        refusedField(lab, model, 0, 5, "section code0 has 24 elements, expected 30");
        refusedField(lab, embeddings, 1, 5, "field dim is 5, but " + lab.path(model) + " implies 4");
        refusedField(lab, embeddings, 0, 61, "field itemCount is 61, but " + lab.path(paths) + " implies 60");
        refusedField(lab, embeddings, 2, 1, "embedding encoding 1 is not supported");
        refusedField(lab, SegmentFormat.ITEMS_FILE, 0, 59, "field itemCount is 59, but " + lab.path(paths) + " implies 60");
    }

    private static void refusedField(DamageLab lab, String file, int field, long value, String says) throws Exception {
        byte[] b = lab.bytes(file);
        le(b).putLong((int) (lab.fieldsStart(file) + 8L * field), value);
        refused(lab, file, b, true, says);
    }

    private static DamageLab.Outcome refused(DamageLab lab, String file, byte[] damaged, boolean atOpen, String says)
            throws Exception {
        DamageLab.Outcome o = lab.damage(file, DamageLab.reseal(damaged));
        assertNotEquals(DamageLab.Check.NONE, o.check(), says);
        assertEquals(atOpen, o.atOpen(), o.message());
        assertTrue(o.message().startsWith(lab.path(file).toString()) && o.message().contains(says), o.message());
        return o;
    }

    /** On a segment opened unverified, a damaged value fails the accessor that reads it, naming the file. */
    @Test
    void accessorsOfAnUnverifiedSegmentFailCleanlyOnDamage() throws Exception {
        DamageLab lab = DamageLab.of(DamageLab.Kind.LATTICE, dir, 3, 60);
        String file = SegmentFormat.PATHS_FILE;
        byte[] b = lab.bytes(file);
        le(b).putInt((int) section(lab, file, SegmentFormat.PATHS_ITEM_CODES).offset(), 99);
        le(b).putInt((int) section(lab, file, SegmentFormat.PATHS_ITEMS).offset(), -7);
        le(b).putInt((int) section(lab, file, SegmentFormat.PATHS_STARTS).offset() + 4, Integer.MAX_VALUE);
        java.nio.file.Files.write(lab.path(file), DamageLab.reseal(b));
        try (LatticeSegment s = IndexDirectory.openLatestLattice(dir)) {
            uncleanRead(lab, file, "item 0 path 0 has code 99 at layer 0", () -> s.itemPath(0, 0, 0));
            uncleanRead(lab, file, "item 0 path 0 has code 99 at layer 0", () -> s.itemPathKey(0, 0));
            uncleanRead(lab, file, "section pathItems: entry 0 is item -7, outside [0, 60)", () -> s.pathItem(0));
            uncleanRead(lab, file, "section pathStarts: path 0 (key " + s.pathKey(0) + ") lists entries [0, 2147483647)",
                    () -> s.pathRange(s.pathKey(0)));
        }
    }

    private static void uncleanRead(DamageLab lab, String file, String says, Executable read) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, read);
        CorruptSegmentException cause = assertInstanceOf(CorruptSegmentException.class, e.getCause());
        assertEquals(lab.path(file).toString(), cause.resource());
        assertTrue(e.getMessage().contains(says) && e.getMessage().endsWith("; run checkIntegrity()"), e.getMessage());
    }

    private static FramedFile.Section section(DamageLab lab, String file, int tag) {
        return Arrays.stream(lab.sections(file)).filter(s -> s.tag() == tag).findFirst().orElseThrow();
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
