package dev.arbor.treebuild;

import dev.arbor.format.TreeShape;
import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import java.util.SplittableRandom;

/**
 * The TDM initial tree: items grouped by category, categories in a seeded random order, items in a seeded random
 * order within their category; the resulting sequence is cut into balanced subtrees by {@link BalancedLayout}, so
 * each category occupies a contiguous run of leaves and small categories share subtrees with their neighbours.
 */
public final class CategoryTreeInit {

    private CategoryTreeInit() {
    }

    /**
     * @param itemCategory category id of each item ordinal (any int values; only equality matters)
     * @return the leaf position of each item ordinal, see {@link BalancedLayout#itemToLeaf}
     */
    public static int[] build(TreeShape shape, int[] itemCategory, long seed) {
        return BalancedLayout.itemToLeaf(shape, sequence(shape.itemCount(), itemCategory, seed));
    }

    /** The item sequence that {@link #build} lays out: categories shuffled, items shuffled inside each one. */
    static int[] sequence(int itemCount, int[] itemCategory, long seed) {
        if (itemCategory.length != itemCount) {
            throw new IllegalArgumentException(
                    itemCategory.length + " item categories for a tree of " + itemCount + " items");
        }
        // Dense category indices in order of first appearance, so the result depends only on the grouping.
        Int2IntOpenHashMap denseOf = new Int2IntOpenHashMap();
        denseOf.defaultReturnValue(-1);
        int[] dense = new int[itemCount];
        int categories = 0;
        for (int item = 0; item < itemCount; item++) {
            int d = denseOf.putIfAbsent(itemCategory[item], categories);
            dense[item] = d < 0 ? categories++ : d;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = Permutations.identity(categories);
        Permutations.shuffle(order, 0, categories, random);

        // Counting sort of the items by their category's position in the shuffled order.
        int[] rank = new int[categories];
        for (int r = 0; r < categories; r++) {
            rank[order[r]] = r;
        }
        int[] start = new int[categories + 1];
        for (int item = 0; item < itemCount; item++) {
            start[rank[dense[item]] + 1]++;
        }
        for (int r = 0; r < categories; r++) {
            start[r + 1] += start[r];
        }
        int[] fill = start.clone();
        int[] sequence = new int[itemCount];
        for (int item = 0; item < itemCount; item++) {
            sequence[fill[rank[dense[item]]]++] = item;
        }
        for (int r = 0; r < categories; r++) {
            Permutations.shuffle(sequence, start[r], start[r + 1], random);
        }
        return sequence;
    }
}
