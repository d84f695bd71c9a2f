package dev.arbor.reader;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.ExternalIds;
import dev.arbor.format.FramedFile;
import dev.arbor.format.ModelKind;
import dev.arbor.format.SegmentFormat;
import dev.arbor.format.TreeIndex;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.testkit.Fuzz;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The item names of {@code items.arb} (FORMAT.md, "Item names"): every item is found by its name or its integer id,
 * and its name reads back; names and integers the segment does not hold are not found.
 */
class ItemNamesTest {
    private static final String ALPHABET = "abcXYZ019-_ .:/é音🌲";

    @TempDir
    Path dir;

    @Test
    void everyItemIsFoundByItsIdAsTextAndAbsentIdsAreNot() {
        int[] cases = {0};
        Fuzz.forAll("item names", 60, random -> {
            Path root = Files.createDirectories(dir.resolve("case-" + cases[0]++));
            int items = 1 + random.nextInt(300);
            TreeIndex plain = SyntheticIndex.generate(items, 2 + random.nextInt(3), ModelKind.MLP, random.nextLong());
            long[] ids = plain.itemIds().clone();
            List<String> names = new ArrayList<>();
            Set<String> taken = new HashSet<>();
            for (int i = 0; i < items; i++) {
                String name = random.nextInt(4) == 0 ? "" : freshName(random, taken);
                names.add(name);
                if (!name.isEmpty()) {
                    ids[i] = ExternalIds.nameId(name);
                }
            }
            SegmentWriter.write(root, new TreeIndex(plain.shape(), ids, plain.itemToLeaf(), plain.nodeEmbeddings(),
                    plain.model(), plain.metadata(), plain.itemCategories(), plain.categoryNames(), names));
            try (TreeSegment s = IndexDirectory.openLatestVerified(root)) {
                for (int i = 0; i < items; i++) {
                    String name = names.get(i);
                    String text = name.isEmpty() ? Long.toString(ids[i]) : name;
                    assertEquals(name.isEmpty() ? null : name, s.itemName(i), "item " + i);
                    assertEquals(text, s.itemIdText(i));
                    assertEquals(i, s.ordinalOf(text), text);
                    assertEquals(i, s.ordinalOf(" " + text + " "), "surrounding spaces are not part of an id");
                    assertEquals(i, s.ordinalOf(ids[i]));
                }
                for (int k = 0; k < 20; k++) {
                    String absent = freshName(random, taken);
                    assertEquals(-1, s.ordinalOf(absent), absent);
                    assertEquals(-1, s.ordinalOf(ExternalIds.nameId(absent)), absent);
                }
                assertEquals(-1, s.ordinalOf(Long.toString(SyntheticIndex.itemId(items))), "an absent integer");
                boolean anyName = names.stream().anyMatch(n -> !n.isEmpty());
                assertEquals(anyName ? names : List.of(), s.toTreeIndex().itemNames(),
                        "a heap copy (what import-onnx and add-items republish) keeps the names");
            }
        });
    }

    /** A name that is neither taken nor an integer, of 1 to 12 characters. */
    private static String freshName(SplittableRandom random, Set<String> taken) {
        while (true) {
            StringBuilder sb = new StringBuilder();
            for (int n = 1 + random.nextInt(12); n > 0; n--) {
                sb.appendCodePoint(ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0,
                        random.nextInt(ALPHABET.codePointCount(0, ALPHABET.length())))));
            }
            String name = sb.toString().strip();
            if (ExternalIds.isName(name) && taken.add(name)) {
                return name;
            }
        }
    }

    @Test
    void anIndexWithoutNamesIsWrittenAsBeforeNames() throws Exception {
        Path segment = SegmentWriter.write(dir, SyntheticIndex.generate(30, 2, ModelKind.MLP, 7));
        try (TreeSegment s = IndexDirectory.openLatestVerified(dir)) {
            FramedFile items = java.util.Arrays.stream(s.files())
                    .filter(f -> f.resource().equals(segment.resolve("items.arb").toString())).findFirst().orElseThrow();
            assertFalse(items.hasSection(SegmentFormat.ITEMS_NAME_ENDS) || items.hasSection(SegmentFormat.ITEMS_NAMES));
            assertNull(s.itemName(0));
            assertEquals(Long.toString(SyntheticIndex.itemId(0)), s.itemIdText(0));
            assertEquals(0, s.ordinalOf(Long.toString(SyntheticIndex.itemId(0))));
            assertEquals(-1, s.ordinalOf("sku-0"));
            assertThrows(IllegalArgumentException.class, () -> s.ordinalOf(" "));
        }
    }
}
