package dev.arbor.treebuild;

import dev.arbor.format.TreeShape;
import java.util.Arrays;

/**
 * A checked item-to-leaf assignment with its inverse and the number of items under every node, for trainers
 * that walk the tree top-down (for example to skip empty nodes when drawing negatives on a level).
 */
public final class TreeOccupancy {

    private final TreeShape shape;
    private final int[] leafItem;
    private final int[] innerCounts;

    private TreeOccupancy(TreeShape shape, int[] leafItem, int[] innerCounts) {
        this.shape = shape;
        this.leafItem = leafItem;
        this.innerCounts = innerCounts;
    }

    /**
     * @param itemToLeaf leaf position of each item ordinal
     * @throws IllegalArgumentException unless it maps all {@code shape.itemCount()} items to distinct leaves
     */
    public static TreeOccupancy of(TreeShape shape, int[] itemToLeaf) {
        if (itemToLeaf.length != shape.itemCount()) {
            throw new IllegalArgumentException(itemToLeaf.length + " leaves for " + shape.itemCount() + " items");
        }
        int leaves = shape.leafCount();
        int[] leafItem = new int[leaves];
        Arrays.fill(leafItem, -1);
        for (int item = 0; item < itemToLeaf.length; item++) {
            int leaf = itemToLeaf[item];
            if (leaf < 0 || leaf >= leaves) {
                throw new IllegalArgumentException("item " + item + " has leaf " + leaf + " outside [0, " + leaves + ")");
            }
            if (leafItem[leaf] >= 0) {
                throw new IllegalArgumentException("items " + leafItem[leaf] + " and " + item + " share leaf " + leaf);
            }
            leafItem[leaf] = item;
        }
        int firstLeaf = shape.firstLeaf();
        int branching = shape.branching();
        int[] innerCounts = new int[firstLeaf];
        // Children have larger ids than their parent, so one backward sweep sums every subtree.
        for (int leaf = 0; leaf < leaves; leaf++) {
            if (leafItem[leaf] >= 0 && firstLeaf > 0) {
                innerCounts[shape.parent(firstLeaf + leaf)]++;
            }
        }
        for (int node = firstLeaf - 1; node > 0; node--) {
            innerCounts[(node - 1) / branching] += innerCounts[node];
        }
        return new TreeOccupancy(shape, leafItem, innerCounts);
    }

    public TreeShape shape() {
        return shape;
    }

    /** The item on leaf position {@code leaf}, or -1 for a padding leaf. */
    public int itemAtLeaf(int leaf) {
        return leafItem[leaf];
    }

    /** Number of items in the subtree of node id {@code node}. */
    public int itemCount(int node) {
        int firstLeaf = shape.firstLeaf();
        return node < firstLeaf ? innerCounts[node] : (leafItem[node - firstLeaf] >= 0 ? 1 : 0);
    }
}
