package dev.arbor.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.dataset.DataFormatException;
import dev.arbor.format.FramedFile;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.progress.ProgressListener;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchResult;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddItemsJobTest {
    /** 1,024 leaves: 24 spare, scattered through the tree by the generator. */
    private static final int ITEMS = 1000;
    private static final TreeIndex BASE = SyntheticIndex.generate(ITEMS, 2, ModelKind.MLP, 5);

    @TempDir
    Path dir;
    private Path index;

    @BeforeEach
    void publishTheBase() throws IOException {
        index = dir.resolve("index");
        SegmentWriter.write(index, BASE);
    }

    private static float[] leafRow(TreeIndex tree, int item) {
        int row = tree.shape().leafNode(tree.itemToLeaf()[item]) * tree.dim();
        return Arrays.copyOfRange(tree.nodeEmbeddings(), row, row + tree.dim());
    }

    private static String vector(float[] v) {
        StringJoiner j = new StringJoiner(" ");
        for (float x : v) {
            j.add(Float.toString(x));
        }
        return j.toString();
    }

    private Path items(String content) throws IOException {
        return Files.writeString(dir.resolve("new.csv"), content);
    }

    @Test
    void anAddedItemIsFoundByANarrowBeamForAUserWhoseHistoryMatchesIt() throws IOException {
        long historyId = BASE.itemIds()[500];
        // The base index's best item for this history: the new item gets its vector, so it ties with it.
        long bestId;
        try (TreeSegment segment = IndexDirectory.openLatestVerified(index)) {
            BeamSearcher searcher = new BeamSearcher(segment);
            SearchResult best = new SearchResult(1);
            searcher.bruteForce(searcher.newContext().history(new long[] {historyId}, 1).exclude(historyId), 1, best);
            bestId = best.itemId(0);
        }
        int twin = Arrays.binarySearch(BASE.itemIds(), bestId);
        long newId = 42;
        AddItemsJob.Outcome outcome = AddItemsJob.run(index, items("id,category,embedding\n" + newId + ",,"
                + vector(leafRow(BASE, twin)) + "\n"), ProgressListener.SILENT);
        assertEquals(1, outcome.byEmbedding());
        assertEquals(23, outcome.spareLeft());
        try (TreeSegment segment = IndexDirectory.openLatestVerified(index)) {
            assertEquals(ITEMS + 1, segment.itemCount());
            int added = segment.ordinalOf(newId);
            assertEquals(ITEMS, added);
            assertEquals(BASE.shape().levels(), segment.shape().levels());
            // The tree, the model and the other items are as they were.
            for (int i = 0; i < ITEMS; i++) {
                assertEquals(BASE.itemToLeaf()[i], segment.leafOf(i));
                assertEquals(BASE.itemIds()[i], segment.itemId(i));
            }
            float[] rows = segment.embeddings().toArray(FramedFile.FLOAT);
            int d = BASE.dim(), row = segment.shape().leafNode(segment.leafOf(added)) * d;
            assertArrayEquals(leafRow(BASE, twin), Arrays.copyOfRange(rows, row, row + d));

            // It went under the lowest ancestor of its twin's leaf that had a spare leaf (here a 16-leaf subtree:
            // the twin's 8-leaf one was full) ...
            int twinLeaf = BASE.itemToLeaf()[twin], span = 1;
            while (!hasPadding(twinLeaf / span * span, span)) {
                span *= 2;
            }
            assertEquals(twinLeaf / span, segment.leafOf(added) / span, "under the lowest ancestor with room");
            // ... so a beam of 8 nodes per level, of 1,024 leaves, reaches it and finds the tie with its twin.
            BeamSearcher searcher = new BeamSearcher(segment);
            SearchResult result = new SearchResult(2);
            searcher.search(searcher.newContext().history(new long[] {historyId}, 1).exclude(historyId), 2, 8, result);
            assertEquals(2, result.count());
            assertEquals(java.util.Set.of(newId, bestId), java.util.Set.of(result.itemId(0), result.itemId(1)));
        }
    }

    /** Whether the base tree has a padding leaf among leaves {@code from .. from+count-1}. */
    private static boolean hasPadding(int from, int count) {
        int[] leafItem = BASE.leafToItem();
        for (int leaf = from; leaf < from + count; leaf++) {
            if (leafItem[leaf] < 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void anItemWithOnlyACategoryTakesItsCentroidAndKeepsTheCategory() throws IOException {
        AddItemsJob.run(index, items("7,c3\n"), ProgressListener.SILENT);
        try (TreeSegment segment = IndexDirectory.openLatestVerified(index)) {
            int added = segment.ordinalOf(7);
            int c3 = segment.categoryOrdinal("c3");
            assertEquals(c3, segment.categoryOf(added));
            float[] centroid = new float[BASE.dim()];
            int members = 0;
            for (int i = 0; i < ITEMS; i++) {
                if (BASE.itemCategories()[i] == c3) {
                    float[] r = leafRow(BASE, i);
                    for (int k = 0; k < r.length; k++) {
                        centroid[k] += r[k];
                    }
                    members++;
                }
            }
            for (int k = 0; k < centroid.length; k++) {
                centroid[k] /= members;
            }
            float[] rows = segment.embeddings().toArray(FramedFile.FLOAT);
            int d = BASE.dim(), row = segment.shape().leafNode(segment.leafOf(added)) * d;
            assertArrayEquals(centroid, Arrays.copyOfRange(rows, row, row + d), 1e-5f);
            assertEquals("1", segment.properties().get(AddItemsJob.ADDED_ITEMS));
        }
    }

    @Test
    void itemsWithStringIdsAnswerToTheirNamesAndTheOldItemsKeepTheirs() throws IOException {
        AddItemsJob.run(index, items("sku-7,c3\n8,c1\n"), ProgressListener.SILENT);
        AddItemsJob.run(index, items("B000X,c2\n"), ProgressListener.SILENT);
        try (TreeSegment segment = IndexDirectory.openLatestVerified(index)) {
            assertEquals(ITEMS + 3, segment.itemCount());
            assertEquals(ITEMS, segment.ordinalOf("sku-7"), "the first added item, by its name");
            assertEquals("sku-7", segment.itemName(ITEMS));
            assertEquals(ITEMS + 1, segment.ordinalOf(8));
            assertNull(segment.itemName(ITEMS + 1), "an integer id has no name");
            assertEquals(ITEMS + 2, segment.ordinalOf("B000X"), "a name added by a later run, beside the kept ones");
            assertEquals(ITEMS, segment.ordinalOf("sku-7"));
            assertEquals(0, segment.ordinalOf(BASE.itemIds()[0]));
        }
        Path again = items("sku-7,c1\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> AddItemsJob.run(index, again, ProgressListener.SILENT));
        assertTrue(e.getMessage().contains(":1: field 'id' is sku-7, an item the index already has"), e.getMessage());
    }

    @Test
    void badLinesFailNamingTheLineAndFieldAndPublishNothing() throws IOException {
        long existing = BASE.itemIds()[3];
        String ok = "1,c1\n";
        fails(ok + existing + ",c1\n", ":2: field 'id' is " + existing + ", an item the index already has");
        fails(ok + "1,c2\n", ":2: field 'id' is 1, which line 1 adds already");
        fails(ok + "2,Drama\n", ":2: field 'category' is \"Drama\", which is not one of the index's 20 categories");
        fails(ok + "2,,1 2 3\n", ":2: field 'embedding' has 3 values, but the index's embeddings have " + BASE.dim());
    }

    private void fails(String content, String expected) throws IOException {
        Path file = items(content);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> AddItemsJob.run(index, file, ProgressListener.SILENT));
        assertTrue(e.getMessage().startsWith(file + expected), e.getMessage());
        assertEquals(1, IndexDirectory.readCommit(index).generation(), "nothing was published");
    }

    @Test
    void moreItemsThanSpareLeavesAskForARebuild() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 25; i++) {
            lines.append(i).append(",c0\n");
        }
        Path file = items(lines.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> AddItemsJob.run(index, file, ProgressListener.SILENT));
        assertTrue(e.getMessage().contains("25 items to add, but the tree has 24 spare leaves left"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("a rebuild is due"), e.getMessage());
        assertEquals(1, IndexDirectory.readCommit(index).generation());

        // 24 fit exactly, and then the tree is full.
        Path fits = items(lines.substring(lines.indexOf("2,c0")));
        assertEquals(0, AddItemsJob.run(index, fits, ProgressListener.SILENT).spareLeft());
        Path more = items("100,c0\n");
        IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> AddItemsJob.run(index, more, ProgressListener.SILENT));
        assertTrue(full.getMessage().contains("1 items to add, but the tree has 0 spare leaves left"), full.getMessage());
    }
}
