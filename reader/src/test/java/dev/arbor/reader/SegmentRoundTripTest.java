package dev.arbor.reader;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.FramedFile;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TensorSpec;
import dev.arbor.format.TreeIndex;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Everything written reads back identically, mapped and copied onto the heap, for several branchings and item counts that are not powers of B; an
 * index without categories, and a segment written before segments had them, read back with none.
 */
class SegmentRoundTripTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"2,1,MLP", "2,1000,ATTENTION_DNN", "2,1025,MLP", "4,3,ATTENTION_DNN", "4,1001,MLP", "16,17,MLP",
            "16,4099,ATTENTION_DNN"})
    void everyArrayReadsBackAsWritten(int branching, int items, ModelKind kind) throws Exception {
        TreeIndex index = SyntheticIndex.generate(items, branching, kind, 7);
        Path segDir = SegmentWriter.write(dir, index);
        assertEquals(dir.resolve("seg-1"), segDir);
        try (TreeSegment s = IndexDirectory.openLatestVerified(dir)) {
            assertEquals(index.shape(), s.shape());
            assertEquals(index.model().architecture(), s.architecture());
            int[] leafItems = index.leafToItem();
            for (int leaf = 0; leaf < leafItems.length; leaf++) {
                assertEquals(leafItems[leaf], s.itemAtLeaf(leaf));
            }
            for (int i = 0; i < items; i++) {
                assertEquals(index.itemIds()[i], s.itemId(i));
                assertEquals(index.itemToLeaf()[i], s.leafOf(i));
                assertEquals(i, s.ordinalOf(index.itemIds()[i]));
                assertEquals(-1, s.ordinalOf(index.itemIds()[i] + 1), "ids are sparse: neighbours are unknown");
            }
            assertEquals(-1, s.ordinalOf(Long.MIN_VALUE));
            float[] emb = index.nodeEmbeddings();
            for (int i = 0; i < emb.length; i++) {
                assertEquals(Float.floatToRawIntBits(emb[i]), Float.floatToRawIntBits(s.embeddings().getAtIndex(FramedFile.FLOAT, i)));
            }
            List<TensorSpec> specs = s.architecture().tensors();
            for (int t = 0; t < specs.size(); t++) {
                float[] expected = index.model().tensors()[t];
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], s.model().tensors()[t].getAtIndex(FramedFile.FLOAT, i), specs.get(t).name());
                }
                assertEquals(0, s.model().tensors()[t].address() % 64, "tensor " + specs.get(t).name() + " is 64-byte aligned");
            }
            assertEquals(0, s.embeddings().address() % 64, "embeddings are 64-byte aligned");
            // The non-empty bit of a node is set exactly when some item lies below it.
            for (int node = 0; node < s.shape().nodeCount(); node++) {
                assertEquals(hasItemBelow(index, node), s.nonEmpty(node), "node " + node);
            }
            assertEquals(SyntheticIndex.CATEGORIES, s.categoryCount());
            for (int c = 0; c < s.categoryCount(); c++) {
                assertEquals(index.categoryNames().get(c), s.categoryName(c));
                assertEquals(c, s.categoryOrdinal("c" + c));
            }
            for (int i = 0; i < items; i++) {
                assertEquals(index.itemCategories()[i], s.categoryOf(i), "item " + i);
            }
            assertEquals("synthetic", s.properties().get("source"));
            assertNotNull(s.properties().get("created"));

            TreeIndex copy = s.toTreeIndex(); // what a tool that replaces one part republishes
            assertEquals(index.shape(), copy.shape());
            assertArrayEquals(index.itemIds(), copy.itemIds());
            assertArrayEquals(index.itemToLeaf(), copy.itemToLeaf());
            assertArrayEquals(index.nodeEmbeddings(), copy.nodeEmbeddings());
            assertArrayEquals(index.itemCategories(), copy.itemCategories());
            assertEquals(index.categoryNames(), copy.categoryNames());
            assertEquals(index.model().architecture(), copy.model().architecture());
            for (int t = 0; t < specs.size(); t++) {
                assertArrayEquals(index.model().tensors()[t], copy.model().tensors()[t], specs.get(t).name());
            }
            assertEquals(s.properties(), copy.metadata());
        }
        // A second write makes a new generation and the commit moves to it.
        SegmentWriter.write(dir, index);
        assertEquals(2, IndexDirectory.readCommit(dir).generation());
        assertTrue(Files.isDirectory(dir.resolve("seg-1")), "the previous segment is kept for readers still on it");
    }

    private static boolean hasItemBelow(TreeIndex index, int node) {
        var shape = index.shape();
        int first = node, last = node;
        while (first < shape.firstLeaf()) {
            first = shape.firstChild(first);
            last = shape.firstChild(last) + shape.branching() - 1;
        }
        int[] leafItems = index.leafToItem();
        for (int n = first; n <= last; n++) {
            if (leafItems[n - shape.firstLeaf()] >= 0) {
                return true;
            }
        }
        return false;
    }

    @org.junit.jupiter.api.Test
    void theHierarchicalHistoryPropertyIsReadAndABadOneIsCorrupt() throws Exception {
        TreeIndex plain = SyntheticIndex.generate(100, 2, ModelKind.ATTENTION_DNN, 7);
        for (String value : new String[] {"4", "99"}) {
            java.util.Map<String, String> meta = new java.util.LinkedHashMap<>(plain.metadata());
            meta.put(dev.arbor.format.HierarchicalHistory.PROPERTY, value);
            Path d = dir.resolve("h" + value);
            SegmentWriter.write(d, new TreeIndex(plain.shape(), plain.itemIds(), plain.itemToLeaf(), plain.nodeEmbeddings(),
                    plain.model(), meta));
            if (value.equals("4")) {
                try (TreeSegment s = IndexDirectory.openLatest(d)) {
                    assertEquals(4, s.hierarchy().minLevel());
                }
            } else {
                var e = assertThrows(dev.arbor.format.CorruptSegmentException.class, () -> IndexDirectory.openLatest(d).close());
                assertTrue(e.getMessage().contains("meta.arb") && e.getMessage().contains("must be from 1 to the leaf level 7"),
                        e.getMessage());
            }
        }
        try (TreeSegment s = IndexDirectory.openLatest(dir.resolve("h4"))) {
            assertNotNull(s.hierarchy());
        }
        Path p = SegmentWriter.write(dir.resolve("plain"), plain);
        try (TreeSegment s = IndexDirectory.openLatest(dir.resolve("plain"))) {
            assertNull(s.hierarchy(), p + " has no hierarchical history");
        }
    }

    @org.junit.jupiter.api.Test
    void categoryNamesOfAnyScriptAndItemsWithoutACategoryReadBack() throws Exception {
        TreeIndex plain = SyntheticIndex.generate(50, 3, ModelKind.MLP, 7);
        List<String> names = List.of("Children's", "Film-Noir", "音楽", "🌲 trees", "tab\there", "c0");
        int[] categories = new int[50];
        for (int i = 0; i < categories.length; i++) {
            categories[i] = i % 7 == 6 ? -1 : i % 7;
        }
        SegmentWriter.write(dir, new TreeIndex(plain.shape(), plain.itemIds(), plain.itemToLeaf(), plain.nodeEmbeddings(),
                plain.model(), plain.metadata(), categories, names));
        try (TreeSegment s = IndexDirectory.openLatestVerified(dir)) {
            assertEquals(names.size(), s.categoryCount());
            for (int c = 0; c < names.size(); c++) {
                assertEquals(names.get(c), s.categoryName(c));
                assertEquals(c, s.categoryOrdinal(names.get(c)));
            }
            for (int i = 0; i < categories.length; i++) {
                assertEquals(categories[i], s.categoryOf(i), "item " + i);
            }
            assertEquals(-1, s.categoryOrdinal("c1"));
            assertEquals(-1, s.categoryOrdinal("音"));
            assertThrows(IndexOutOfBoundsException.class, () -> s.categoryName(names.size()));
            assertThrows(IndexOutOfBoundsException.class, () -> s.categoryOf(50));
        }
    }

    @org.junit.jupiter.api.Test
    void anIndexWithoutCategoriesIsWrittenAsBeforeCategoriesAndHasNone() throws Exception {
        TreeIndex synthetic = SyntheticIndex.generate(30, 2, ModelKind.MLP, 7);
        TreeIndex plain = new TreeIndex(synthetic.shape(), synthetic.itemIds(), synthetic.itemToLeaf(),
                synthetic.nodeEmbeddings(), synthetic.model(), synthetic.metadata());
        Path segment = SegmentWriter.write(dir, plain);
        try (TreeSegment s = IndexDirectory.openLatestVerified(dir)) {
            FramedFile items = java.util.Arrays.stream(s.files())
                    .filter(f -> f.resource().equals(segment.resolve("items.arb").toString())).findFirst().orElseThrow();
            assertEquals(1, items.fieldCount(), "the one field of a file written before categories");
            assertEquals(3, items.sections().length);
            assertNoCategories(s);
        }
    }

    /** A segment written by the code before categories (commit baa465a: 20 synthetic items, seed 1) opens, with none. */
    @org.junit.jupiter.api.Test
    void aSegmentWrittenBeforeCategoriesOpensWithNone() throws Exception {
        Files.createDirectories(dir.resolve("seg-1"));
        for (String file : List.of("commit.arb", "seg-1/meta.arb", "seg-1/tree.arb", "seg-1/items.arb",
                "seg-1/embeddings.arb", "seg-1/model.arb")) {
            try (var in = SegmentRoundTripTest.class.getResourceAsStream("segment-before-categories/" + file)) {
                Files.copy(in, dir.resolve(file));
            }
        }
        try (TreeSegment s = IndexDirectory.openLatestVerified(dir)) {
            assertEquals(20, s.itemCount());
            assertNoCategories(s);
            long[] history = {SyntheticIndex.itemId(3), SyntheticIndex.itemId(4)};
            assertEquals(2 * 5, Answers.search(s, history, 5, 8).length, "it searches");
        }
    }

    private static void assertNoCategories(TreeSegment s) {
        assertEquals(0, s.categoryCount());
        for (int i = 0; i < s.itemCount(); i++) {
            assertEquals(-1, s.categoryOf(i));
        }
        assertEquals(-1, s.categoryOrdinal("c0"));
        assertThrows(IndexOutOfBoundsException.class, () -> s.categoryName(0));
        assertThrows(IndexOutOfBoundsException.class, () -> s.categoryOf(s.itemCount()));
    }
}
