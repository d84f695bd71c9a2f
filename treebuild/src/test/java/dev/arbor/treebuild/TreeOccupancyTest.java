package dev.arbor.treebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arbor.format.TreeShape;
import org.junit.jupiter.api.Test;

class TreeOccupancyTest {

    @Test
    void countsItemsUnderEveryNode() {
        TreeShape shape = TreeShape.forItems(2, 3); // 3 levels, 4 leaves
        TreeOccupancy occupancy = TreeOccupancy.of(shape, new int[] {3, 0, 1});
        assertEquals(1, occupancy.itemAtLeaf(0));
        assertEquals(2, occupancy.itemAtLeaf(1));
        assertEquals(-1, occupancy.itemAtLeaf(2));
        assertEquals(0, occupancy.itemAtLeaf(3));
        assertEquals(3, occupancy.itemCount(0));
        assertEquals(2, occupancy.itemCount(1));
        assertEquals(1, occupancy.itemCount(2));
        assertEquals(1, occupancy.itemCount(3));
        assertEquals(0, occupancy.itemCount(5));
        assertEquals(1, occupancy.itemCount(6));
    }

    @Test
    void rejectsInvalidAssignments() {
        TreeShape shape = TreeShape.forItems(2, 3);
        assertThrows(IllegalArgumentException.class, () -> TreeOccupancy.of(shape, new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> TreeOccupancy.of(shape, new int[] {0, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> TreeOccupancy.of(shape, new int[] {0, 1, 4}));
        assertThrows(IllegalArgumentException.class, () -> TreeOccupancy.of(shape, new int[] {0, -1, 2}));
    }
}
