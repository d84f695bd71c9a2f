package dev.arbor.format;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tree index in memory, as a trainer or generator produces it and the writer consumes it.
 *
 * @param shape          the complete B-ary tree
 * @param itemIds        external 64-bit id of each item ordinal; distinct
 * @param itemToLeaf     leaf position (0-based on the leaf level) of each item ordinal; distinct
 * @param nodeEmbeddings {@code nodeCount x dim} floats, node-id order; a leaf's row is its item's embedding
 * @param model          the scoring model
 * @param metadata       build parameters, time and source data, stored verbatim
 * @param itemCategories category of each item ordinal, in {@code [0, categoryNames.size())} or -1 for none
 * @param categoryNames  the name of each category: non-empty and distinct; empty when the index has no categories
 * @param itemNames      empty when every item has an integer id; else each item's name ({@link ExternalIds}), whose
 *                       id is its entry of {@code itemIds}, or "" for an item with an integer id
 */
public record TreeIndex(TreeShape shape, long[] itemIds, int[] itemToLeaf, float[] nodeEmbeddings, ModelWeights model,
                        Map<String, String> metadata, int[] itemCategories, List<String> categoryNames,
                        List<String> itemNames) {

    /** An index whose items all have integer ids. */
    public TreeIndex(TreeShape shape, long[] itemIds, int[] itemToLeaf, float[] nodeEmbeddings, ModelWeights model,
                     Map<String, String> metadata, int[] itemCategories, List<String> categoryNames) {
        this(shape, itemIds, itemToLeaf, nodeEmbeddings, model, metadata, itemCategories, categoryNames, List.of());
    }

    /** An index without categories: every item's category is -1. */
    public TreeIndex(TreeShape shape, long[] itemIds, int[] itemToLeaf, float[] nodeEmbeddings, ModelWeights model,
                     Map<String, String> metadata) {
        this(shape, itemIds, itemToLeaf, nodeEmbeddings, model, metadata, Items.noCategories(shape.itemCount()), List.of());
    }

    public TreeIndex {
        int n = shape.itemCount();
        int dim = model.architecture().embeddingDim();
        if (itemIds.length != n || itemToLeaf.length != n) {
            throw new IllegalArgumentException("expected " + n + " item ids and leaves, got " + itemIds.length + " and "
                    + itemToLeaf.length);
        }
        if ((long) shape.nodeCount() * dim != nodeEmbeddings.length) {
            throw new IllegalArgumentException("expected " + shape.nodeCount() + " x " + dim + " node embedding floats, got "
                    + nodeEmbeddings.length + " (model and embedding dimensions disagree?)");
        }
        boolean[] used = new boolean[shape.leafCount()];
        for (int i = 0; i < n; i++) {
            int leaf = itemToLeaf[i];
            if (leaf < 0 || leaf >= used.length) {
                throw new IllegalArgumentException("item " + i + " maps to leaf " + leaf + ", outside [0, " + used.length + ")");
            }
            if (used[leaf]) {
                throw new IllegalArgumentException("leaf " + leaf + " holds two items");
            }
            used[leaf] = true;
        }
        Items.checkDistinctIds(itemIds);
        metadata = new LinkedHashMap<>(metadata);
        categoryNames = List.copyOf(categoryNames);
        Items.checkCategories(itemCategories, categoryNames, n);
        itemNames = List.copyOf(itemNames);
        Items.checkItemNames(itemNames, itemIds);
    }

    public int dim() {
        return model.architecture().embeddingDim();
    }

    /** Item ordinal on each leaf, -1 for padding leaves. */
    public int[] leafToItem() {
        int[] leafItems = new int[shape.leafCount()];
        Arrays.fill(leafItems, -1);
        for (int i = 0; i < itemToLeaf.length; i++) {
            leafItems[itemToLeaf[i]] = i;
        }
        return leafItems;
    }
}
