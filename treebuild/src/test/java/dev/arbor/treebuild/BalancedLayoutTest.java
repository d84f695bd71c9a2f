package dev.arbor.treebuild;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.TreeShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BalancedLayoutTest {

    @Test
    void partsAddUpAndDifferByAtMostOne() {
        for (int branching : new int[] {2, 3, 4, 16}) {
            for (int count = 0; count < 100; count++) {
                int total = 0;
                for (int child = 0; child < branching; child++) {
                    int size = BalancedLayout.partSize(count, branching, child);
                    assertEquals(total, BalancedLayout.partStart(count, branching, child));
                    assertTrue(size == count / branching || size == count / branching + 1);
                    total += size;
                }
                assertEquals(count, total);
                assertEquals(count, BalancedLayout.partStart(count, branching, branching));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"2,1", "2,2", "2,3", "2,1000", "2,1023", "2,1025", "4,1", "4,3", "4,1000", "4,1023", "4,1025",
            "16,1", "16,2", "16,1000", "16,1023", "16,1025", "3,100"})
    void identitySequenceIsBalancedAndInOrder(int branching, int items) {
        TreeShape shape = TreeShape.forItems(branching, items);
        int[] leafOf = BalancedLayout.itemToLeaf(shape, Permutations.identity(items));
        TreeOccupancy occupancy = TreeAssertions.assertBalanced(shape, leafOf);
        for (int item = 1; item < items; item++) {
            assertTrue(leafOf[item] > leafOf[item - 1], "sequence order is leaf order");
        }
        // The minimal tree leaves no inner node empty.
        for (int node = 0; node < shape.firstLeaf(); node++) {
            assertTrue(occupancy.itemCount(node) > 0, "inner node " + node + " is empty");
        }
    }

    @Test
    void paddingIsSpreadWithFullerSubtreesFirst() {
        // 5 items on 8 leaves: root 3 + 2, then (2, 1) and (1, 1), then one item per leaf pair where possible.
        int[] leafOf = BalancedLayout.itemToLeaf(TreeShape.forItems(2, 5), Permutations.identity(5));
        assertArrayEquals(new int[] {0, 1, 2, 4, 6}, leafOf);
    }

    @Test
    void rejectsSequencesThatAreNotPermutations() {
        TreeShape shape = TreeShape.forItems(2, 4);
        assertThrows(IllegalArgumentException.class, () -> BalancedLayout.itemToLeaf(shape, new int[] {0, 1, 2}));
        assertThrows(IllegalArgumentException.class, () -> BalancedLayout.itemToLeaf(shape, new int[] {0, 1, 1, 3}));
        assertThrows(IllegalArgumentException.class, () -> BalancedLayout.itemToLeaf(shape, new int[] {0, 1, 2, 4}));
    }
}
