package dev.arbor.treebuild;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arbor.format.TreeShape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SparePlacementTest {

    /** A binary tree of 8 leaves (nodes 7..14) with 2-d rows; items 0.. sit on {@code leaves} with {@code vectors}. */
    private static float[] table(TreeShape shape, int[] leaves, float[][] vectors) {
        float[] table = new float[shape.nodeCount() * 2];
        for (int i = 0; i < leaves.length; i++) {
            System.arraycopy(vectors[i], 0, table, shape.leafNode(leaves[i]) * 2, 2);
        }
        return table;
    }

    @Test
    void placesAnItemBesideItsNearestLeaf() {
        TreeShape shape = new TreeShape(2, 4, 5);
        int[] leaves = {0, 1, 2, 4, 6};
        float[][] vectors = {{0, 0}, {0, 1}, {10, 0}, {20, 20}, {-5, -5}};
        SparePlacement placement = new SparePlacement(shape, leaves, table(shape, leaves, vectors), 2);
        assertEquals(3, placement.freeLeaves());
        assertEquals(5, placement.place(5, new float[] {19, 19}), "sibling of the item at (20, 20)");
        assertEquals(3, placement.place(6, new float[] {10, 1}), "sibling of the item at (10, 0)");
        assertEquals(7, placement.place(7, new float[] {-6, -5}), "sibling of the item at (-5, -5)");
        assertEquals(0, placement.freeLeaves());
        assertEquals(3, placement.placed());
    }

    @Test
    void climbsToTheLowestAncestorWithRoomWhenTheSiblingIsTaken() {
        TreeShape shape = new TreeShape(2, 4, 5);
        int[] leaves = {0, 1, 2, 4, 6};
        float[][] vectors = {{0, 0}, {0, 1}, {10, 0}, {20, 20}, {-5, -5}};
        SparePlacement placement = new SparePlacement(shape, leaves, table(shape, leaves, vectors), 2);
        // Nearest is leaf 0, whose sibling is taken; leaves 0..3 still have leaf 3 free, closer than 5 or 7.
        assertEquals(3, placement.place(5, new float[] {0, 0.4f}));
    }

    @Test
    void descendsTowardTheNextNearestLeavesWhereTheNearestHasNoRoom() {
        // B = 4, 16 leaves: leaves 0..3 full near the origin, leaf 4 far away, leaf 8 next nearest, 12..15 full.
        TreeShape shape = new TreeShape(4, 3, 10);
        int[] leaves = {0, 1, 2, 3, 4, 8, 12, 13, 14, 15};
        float[][] vectors = {{0, 0}, {0, 1}, {1, 0}, {1, 1}, {50, 50}, {3, 3}, {-40, 0}, {-40, 1}, {-41, 0}, {-41, 1}};
        float[] table = new float[shape.nodeCount() * 2];
        for (int i = 0; i < leaves.length; i++) {
            System.arraycopy(vectors[i], 0, table, shape.leafNode(leaves[i]) * 2, 2);
        }
        SparePlacement placement = new SparePlacement(shape, leaves, table, 2);
        // Leaves 4..7 and 8..11 both have room; the second-nearest occupied leaf (8) decides.
        assertEquals(9, placement.place(10, new float[] {0.5f, 0.5f}));
    }

    @Test
    void anEmptySubtreeTakesTheItemsVectorOnEveryRowOnItsPath() {
        TreeShape shape = new TreeShape(2, 4, 4);
        int[] leaves = {0, 1, 2, 3};
        float[][] vectors = {{1, 1}, {1, 2}, {2, 1}, {2, 2}};
        float[] table = table(shape, leaves, vectors);
        table[0] = 7; // a trained root row, which must survive
        SparePlacement placement = new SparePlacement(shape, leaves, table, 2);
        assertEquals(4, placement.place(4, new float[] {3, 3}));
        float[] expected = {3, 3};
        assertArrayEquals(expected, Arrays.copyOfRange(table, 2 * 2, 2 * 2 + 2), "node 2, the root's empty right child");
        assertArrayEquals(expected, Arrays.copyOfRange(table, 5 * 2, 5 * 2 + 2), "node 5, its empty left child");
        assertArrayEquals(expected, Arrays.copyOfRange(table, 11 * 2, 11 * 2 + 2), "node 11, leaf 4");
        assertEquals(7, table[0]);
    }

    @Test
    void aFullTreeRefuses() {
        TreeShape shape = new TreeShape(2, 2, 2);
        int[] leaves = {0, 1};
        SparePlacement placement = new SparePlacement(shape, leaves, new float[shape.nodeCount() * 2], 2);
        assertEquals(0, placement.freeLeaves());
        assertThrows(IllegalStateException.class, () -> placement.place(2, new float[] {0, 0}));
    }

    @Test
    void aVectorOfAnotherDimensionIsRefused() {
        TreeShape shape = new TreeShape(2, 3, 2);
        SparePlacement placement = new SparePlacement(shape, new int[] {0, 2}, new float[shape.nodeCount() * 2], 2);
        assertThrows(IllegalArgumentException.class, () -> placement.place(2, new float[] {0, 0, 0}));
    }
}
