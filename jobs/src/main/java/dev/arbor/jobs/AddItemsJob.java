package dev.arbor.jobs;

import dev.arbor.dataset.DataFormatException;
import dev.arbor.dataset.NewItems;
import dev.arbor.format.TreeIndex;
import dev.arbor.format.TreeShape;
import dev.arbor.progress.ProgressListener;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.treebuild.SparePlacement;
import dev.arbor.writer.SegmentWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code arbor add-items}: puts new items into the spare leaves of the live tree segment and publishes the result as
 * the next generation, keeping the tree, the model and every other item as they are. Each item goes beside the
 * leaves nearest its embedding, or its category's centroid (the mean leaf embedding of the category's items) when it
 * has none ({@link SparePlacement}); that vector becomes its leaf embedding, the row a history holding it reads too.
 *
 * <p>Every line is checked before anything is written: an id the index (or an earlier line) already has, a category
 * the index does not know, an embedding of another dimension, and more items than spare leaves each fail the job
 * with the file, line and field, and the live generation stays as it was. Ids go through the segment's own lookup.
 * Like {@code arbor train}, it must be the index's only writer while it runs: it reads the live generation and
 * publishes the next one.
 */
public final class AddItemsJob {

    /** Segment property: how many items were added to this tree since it was trained, over every add. */
    public static final String ADDED_ITEMS = "items.added";

    private AddItemsJob() {
    }

    /**
     * What one add did.
     *
     * @param segment     the published segment
     * @param byEmbedding items placed by their embedding
     * @param byCategory  items placed by their category's centroid
     * @param spareLeft   spare leaves left for later adds
     */
    public record Outcome(Path segment, int byEmbedding, int byCategory, int spareLeft) {
        public int added() {
            return byEmbedding + byCategory;
        }
    }

    /** Adds the items of {@code itemsFile} to the live segment of {@code indexDir}; what it did goes to {@code progress}. */
    public static Outcome run(Path indexDir, Path itemsFile, ProgressListener progress) throws IOException {
        long t = System.nanoTime();
        NewItems items = NewItems.read(itemsFile);
        TreeIndex base;
        try (TreeSegment segment = IndexDirectory.openLatestVerified(indexDir)) {
            checkAgainst(segment, items);
            base = segment.toTreeIndex();
        }
        int spare = base.shape().leafCount() - base.shape().itemCount();
        if (items.items().size() > spare) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: %,d items to add, but the tree has %,d spare"
                    + " leaves left (%,d items on %,d leaves): a rebuild is due; retrain with arbor train"
                    + " --spare-leaves F to leave room for the next items", itemsFile, items.items().size(), spare,
                    base.shape().itemCount(), base.shape().leafCount()));
        }
        Placed placed = place(base, items);
        Path written = SegmentWriter.write(indexDir, placed.index());
        Outcome outcome = new Outcome(written, placed.byEmbedding(), items.items().size() - placed.byEmbedding(),
                spare - items.items().size());
        progress.message(String.format(Locale.ROOT, "add-items: %,d items added to %s (%,d by embedding, %,d by"
                        + " category centroid) in %.1f s; published %s; %,d spare leaves left", outcome.added(), indexDir,
                outcome.byEmbedding(), outcome.byCategory(), (System.nanoTime() - t) / 1e9, written, outcome.spareLeft()));
        return outcome;
    }

    /** Fails on the first line whose id, category or dimension does not fit the segment. */
    private static void checkAgainst(TreeSegment segment, NewItems items) throws DataFormatException {
        int dim = segment.architecture().embeddingDim();
        Map<Long, Long> lineOf = new HashMap<>();
        for (NewItems.Item item : items.items()) {
            int existing = segment.ordinalOf(item.id());
            if (existing >= 0) {
                throw items.error(item, NewItems.ID, "is " + item.idText() + ", an item the index already has (ordinal "
                        + existing + ")");
            }
            Long earlier = lineOf.putIfAbsent(item.id(), item.line());
            if (earlier != null) {
                throw items.error(item, NewItems.ID, "is " + item.idText() + ", which line " + earlier + " adds already");
            }
            if (item.category() != null && segment.categoryOrdinal(item.category()) < 0) {
                throw items.error(item, NewItems.CATEGORY, "is \"" + item.category() + "\", which is not one of the index's "
                        + (segment.categoryCount() == 0 ? "categories: it has none"
                                : segment.categoryCount() + " categories"));
            }
            if (item.embedding() != null && item.embedding().length != dim) {
                throw items.error(item, NewItems.EMBEDDING, "has " + item.embedding().length + " values, but the index's"
                        + " embeddings have " + dim);
            }
        }
    }

    /** The index with the items placed, and how many of them their own embedding placed. */
    private record Placed(TreeIndex index, int byEmbedding) {
    }

    /** Places {@code items}, checked already, into {@code base}'s spare leaves; {@code base} itself is not changed. */
    private static Placed place(TreeIndex base, NewItems items) throws DataFormatException {
        int n = base.shape().itemCount(), added = items.items().size(), dim = base.dim();
        float[] table = base.nodeEmbeddings().clone();
        float[][] centroids = centroids(base);
        SparePlacement placement = new SparePlacement(base.shape(), base.itemToLeaf(), table, dim);
        long[] ids = Arrays.copyOf(base.itemIds(), n + added);
        int[] leaves = Arrays.copyOf(base.itemToLeaf(), n + added);
        int[] categories = Arrays.copyOf(base.itemCategories(), n + added);
        List<String> names = base.categoryNames();
        int byEmbedding = 0;
        for (int i = 0; i < added; i++) {
            NewItems.Item item = items.items().get(i);
            int category = item.category() == null ? -1 : names.indexOf(item.category());
            float[] vector = item.embedding();
            if (vector != null) {
                byEmbedding++;
            } else if (centroids[category] == null) {
                throw items.error(item, NewItems.CATEGORY, "is \"" + item.category() + "\", which holds no item of the"
                        + " index to take a centroid of; give the item an embedding");
            } else {
                vector = centroids[category];
            }
            ids[n + i] = item.id();
            categories[n + i] = category;
            leaves[n + i] = placement.place(n + i, vector);
        }
        Map<String, String> metadata = new LinkedHashMap<>(base.metadata());
        metadata.remove("created"); // the writer stamps the new segment's own time
        metadata.merge(ADDED_ITEMS, Integer.toString(added), (was, now) -> Integer.toString(Integer.parseInt(was) + added));
        TreeShape shape = new TreeShape(base.shape().branching(), base.shape().levels(), n + added);
        return new Placed(new TreeIndex(shape, ids, leaves, table, base.model(), metadata, categories, names,
                itemNames(base, items)), byEmbedding);
    }

    /** The items' names, old then new ("" for an integer id), or none when no item has a name. */
    private static List<String> itemNames(TreeIndex base, NewItems items) {
        boolean named = !base.itemNames().isEmpty() || items.items().stream().anyMatch(i -> i.name() != null);
        if (!named) {
            return List.of();
        }
        List<String> all = new ArrayList<>(base.itemNames().isEmpty()
                ? Collections.nCopies(base.itemIds().length, "") : base.itemNames());
        for (NewItems.Item item : items.items()) {
            all.add(item.name() == null ? "" : item.name());
        }
        return all;
    }

    /** The mean leaf embedding of each category's items; null for a category without items. */
    private static float[][] centroids(TreeIndex index) {
        int dim = index.dim();
        float[][] sums = new float[index.categoryNames().size()][];
        int[] counts = new int[sums.length];
        for (int item = 0; item < index.itemIds().length; item++) {
            int c = index.itemCategories()[item];
            if (c < 0) {
                continue;
            }
            if (sums[c] == null) {
                sums[c] = new float[dim];
            }
            int row = index.shape().leafNode(index.itemToLeaf()[item]) * dim;
            for (int k = 0; k < dim; k++) {
                sums[c][k] += index.nodeEmbeddings()[row + k];
            }
            counts[c]++;
        }
        for (int c = 0; c < sums.length; c++) {
            for (int k = 0; sums[c] != null && k < dim; k++) {
                sums[c][k] /= counts[c];
            }
        }
        return sums;
    }
}
