package dev.arbor.treebuild;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.TreeShape;

/** Checks shared by the builder tests. */
final class TreeAssertions {

    private TreeAssertions() {
    }

    /**
     * Asserts that {@code itemToLeaf} is injective into the leaves and follows the balance rule: every node on
     * level {@code l} holds {@code floor(n / B^l)} or {@code ceil(n / B^l)} items.
     */
    static TreeOccupancy assertBalanced(TreeShape shape, int[] itemToLeaf) {
        TreeOccupancy occupancy = TreeOccupancy.of(shape, itemToLeaf);
        long n = shape.itemCount();
        long perNode = 1;
        for (int level = 0; level < shape.levels(); level++) {
            long low = n / perNode;
            long high = (n + perNode - 1) / perNode;
            int first = shape.levelStart(level);
            for (int node = first; node < first + shape.levelSize(level); node++) {
                int count = occupancy.itemCount(node);
                assertTrue(count == low || count == high,
                        "node " + node + " on level " + level + " holds " + count + " items, not " + low + " or "
                                + high + " (" + shape + ")");
            }
            perNode *= shape.branching();
        }
        return occupancy;
    }
}
