package dev.arbor.format;

import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 */
public record TreeIndex(TreeShape shape, long[] itemIds, int[] itemToLeaf, float[] nodeEmbeddings, ModelWeights model,
                        Map<String, String> metadata, int[] itemCategories, List<String> categoryNames) {

    /** An index without categories: every item's category is -1. */
    public TreeIndex(TreeShape shape, long[] itemIds, int[] itemToLeaf, float[] nodeEmbeddings, ModelWeights model,
                     Map<String, String> metadata) {
        this(shape, itemIds, itemToLeaf, nodeEmbeddings, model, metadata, noCategories(shape.itemCount()), List.of());
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
        long[] sorted = itemIds.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < n; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("item id " + sorted[i] + " appears twice");
            }
        }
        metadata = new LinkedHashMap<>(metadata);
        categoryNames = List.copyOf(categoryNames);
        checkCategories(itemCategories, categoryNames, n);
    }

    private static int[] noCategories(int items) {
        int[] none = new int[items];
        Arrays.fill(none, -1);
        return none;
    }

    private static void checkCategories(int[] itemCategories, List<String> names, int items) {
        if (itemCategories.length != items) {
            throw new IllegalArgumentException("expected " + items + " item categories, got " + itemCategories.length);
        }
        Set<String> seen = new HashSet<>();
        CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder();
        for (int c = 0; c < names.size(); c++) {
            String name = names.get(c);
            // A lone surrogate would be written as '?' and could then collide with another name.
            if (name.isEmpty() || !utf8.canEncode(name)) {
                throw new IllegalArgumentException("category " + c + " has an empty or non-Unicode name: \"" + name + "\"");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("category name \"" + name + "\" appears twice");
            }
        }
        for (int i = 0; i < items; i++) {
            if (itemCategories[i] < -1 || itemCategories[i] >= names.size()) {
                throw new IllegalArgumentException("item " + i + " has category " + itemCategories[i] + ", outside [-1, "
                        + names.size() + ")");
            }
        }
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
