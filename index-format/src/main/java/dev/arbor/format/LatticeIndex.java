package dev.arbor.format;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Deep Retrieval index in memory, as a trainer or generator produces it and the writer consumes it: the items,
 * each item's paths through the lattice, the item embeddings, and the model. The inverse mapping, path to items, is
 * derived ({@link InvertedPaths#of}).
 *
 * @param model            the lattice, the per-layer models, the code embeddings and the reranker
 * @param pathsPerItem     J, the most paths an item may have, in [1, {@value #MAX_PATHS_PER_ITEM}]
 * @param itemIds          external 64-bit id of each item ordinal; distinct
 * @param itemPaths        {@code N x J x D} codes, item-major then path then layer: item i's path j is
 *                         {@code itemPaths[(i J + j) D ..][0 .. D)}. Each path's codes are in [0, K), or all
 *                         {@link LatticeShape#NO_PATH} for an unused slot; an item has at least one path, its paths
 *                         are distinct, and its unused slots come after its paths
 * @param itemEmbeddings   {@code N x dim} floats, item-ordinal order: the behaviour embeddings the user vector pools
 * @param rerankEmbeddings {@code N x dim} floats, item-ordinal order: the reranker's item vectors
 * @param metadata         build parameters, time and source data, stored verbatim
 * @param itemCategories   category of each item ordinal, in {@code [0, categoryNames.size())} or -1 for none
 * @param categoryNames    the name of each category: non-empty and distinct; empty when the index has no categories
 */
public record LatticeIndex(LatticeWeights model, int pathsPerItem, long[] itemIds, int[] itemPaths,
                           float[] itemEmbeddings, float[] rerankEmbeddings, Map<String, String> metadata,
                           int[] itemCategories, List<String> categoryNames) {

    /** Most paths per item (J) a segment may declare. */
    public static final int MAX_PATHS_PER_ITEM = 1024;

    /** An index without categories: every item's category is -1. */
    public LatticeIndex(LatticeWeights model, int pathsPerItem, long[] itemIds, int[] itemPaths, float[] itemEmbeddings,
                        float[] rerankEmbeddings, Map<String, String> metadata) {
        this(model, pathsPerItem, itemIds, itemPaths, itemEmbeddings, rerankEmbeddings, metadata,
                Items.noCategories(itemIds.length), List.of());
    }

    public LatticeIndex {
        int n = itemIds.length;
        if (n < 1) {
            throw new IllegalArgumentException("itemIds: an index needs at least one item");
        }
        if (pathsPerItem < 1 || pathsPerItem > MAX_PATHS_PER_ITEM) {
            throw new IllegalArgumentException("pathsPerItem (J) must be in [1, " + MAX_PATHS_PER_ITEM + "], got "
                    + pathsPerItem);
        }
        LatticeShape lattice = model.architecture().lattice();
        long codes = (long) n * pathsPerItem * lattice.depth();
        if (itemPaths.length != codes) {
            throw new IllegalArgumentException("itemPaths: expected " + n + " x " + pathsPerItem + " x " + lattice.depth()
                    + " codes (items x J x D), got " + itemPaths.length);
        }
        checkPaths(lattice, pathsPerItem, itemPaths, n);
        int dim = model.architecture().embeddingDim();
        checkTable("itemEmbeddings", itemEmbeddings, n, dim);
        checkTable("rerankEmbeddings", rerankEmbeddings, n, dim);
        Items.checkDistinctIds(itemIds);
        metadata = new LinkedHashMap<>(metadata);
        categoryNames = List.copyOf(categoryNames);
        Items.checkCategories(itemCategories, categoryNames, n);
    }

    private static void checkTable(String name, float[] table, int items, int dim) {
        if ((long) items * dim != table.length) {
            throw new IllegalArgumentException(name + ": expected " + items + " x " + dim + " floats (items x dim), got "
                    + table.length);
        }
    }

    /** Each path all codes in [0, K) or all NO_PATH; at least one path per item, paths first, distinct. */
    private static void checkPaths(LatticeShape lattice, int paths, int[] itemPaths, int items) {
        int depth = lattice.depth();
        long[] keys = new long[paths];
        for (int item = 0; item < items; item++) {
            int used = 0;
            for (int j = 0; j < paths; j++) {
                int from = (item * paths + j) * depth;
                boolean unused = itemPaths[from] == LatticeShape.NO_PATH;
                for (int d = 0; d < depth; d++) {
                    int c = itemPaths[from + d];
                    if (unused ? c != LatticeShape.NO_PATH : c < 0 || c >= lattice.k()) {
                        throw new IllegalArgumentException("itemPaths: item " + item + " path " + j + " has code " + c
                                + " at layer " + d + (unused ? ", but its layer 0 is the no-path marker "
                                + LatticeShape.NO_PATH + ": an unused slot is the marker on every layer"
                                : ", outside [0, " + lattice.k() + ")"));
                    }
                }
                if (unused) {
                    continue;
                }
                if (used < j) {
                    throw new IllegalArgumentException("itemPaths: item " + item + " path " + j + " follows an unused"
                            + " slot: an item's paths come before its unused slots");
                }
                keys[used++] = lattice.key(itemPaths, from);
            }
            if (used == 0) {
                throw new IllegalArgumentException("itemPaths: item " + item + " has no path");
            }
            Arrays.sort(keys, 0, used);
            for (int j = 1; j < used; j++) {
                if (keys[j] == keys[j - 1]) {
                    throw new IllegalArgumentException("itemPaths: item " + item + " has path " + keys[j] + " twice");
                }
            }
        }
    }

    public LatticeShape lattice() {
        return model.architecture().lattice();
    }

    public int itemCount() {
        return itemIds.length;
    }

    public int dim() {
        return model.architecture().embeddingDim();
    }

    /** Key of item {@code item}'s path {@code j} ({@link LatticeShape#key}), or {@link LatticeShape#NO_PATH}. */
    public long pathKey(int item, int j) {
        int from = (item * pathsPerItem + j) * lattice().depth();
        return itemPaths[from] == LatticeShape.NO_PATH ? LatticeShape.NO_PATH : lattice().key(itemPaths, from);
    }
}
