package dev.arbor.treebuild;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arbor.format.TreeShape;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CategoryTreeInitTest {

    /** Category ids of skewed sizes, with arbitrary (negative, sparse) values. */
    private static int[] categories(int items, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] category = new int[items];
        for (int i = 0; i < items; i++) {
            int rank = (int) Math.floor(Math.pow(random.nextDouble(), 3) * 40);
            category[i] = rank * 7919 - 100_000;
        }
        return category;
    }

    @ParameterizedTest
    @CsvSource({"2,1", "2,2", "2,3", "2,1000", "2,1023", "2,1025", "4,1", "4,2", "4,3", "4,1000", "4,1023",
            "4,1025", "16,1", "16,2", "16,3", "16,1000", "16,1023", "16,1025"})
    void categoriesAreContiguousAndTheTreeBalanced(int branching, int items) {
        TreeShape shape = TreeShape.forItems(branching, items);
        int[] category = categories(items, 11);
        int[] leafOf = CategoryTreeInit.build(shape, category, 5);

        TreeOccupancy occupancy = TreeAssertions.assertBalanced(shape, leafOf);
        Set<Integer> finished = new HashSet<>();
        Integer current = null;
        for (int leaf = 0; leaf < shape.leafCount(); leaf++) {
            int item = occupancy.itemAtLeaf(leaf);
            if (item < 0) {
                continue; // padding
            }
            if (current == null || category[item] != current) {
                if (current != null) {
                    finished.add(current);
                }
                assertFalse(finished.contains(category[item]), "category " + category[item] + " split");
                current = category[item];
            }
        }
    }

    @Test
    void deterministicBySeed() {
        TreeShape shape = TreeShape.forItems(4, 1000);
        int[] category = categories(1000, 3);
        assertArrayEquals(CategoryTreeInit.build(shape, category, 42), CategoryTreeInit.build(shape, category, 42));
        assertFalse(Arrays.equals(CategoryTreeInit.build(shape, category, 42),
                CategoryTreeInit.build(shape, category, 43)));
    }

    @Test
    void categoryOrderAndItemOrderAreShuffled() {
        int items = 1000;
        int[] category = new int[items];
        for (int i = 0; i < items; i++) {
            category[i] = i / 100; // ten categories of consecutive items
        }
        int[] sequence = CategoryTreeInit.sequence(items, category, 9);
        int[] categoryOrder = new int[10];
        for (int c = 0; c < 10; c++) {
            categoryOrder[c] = category[sequence[c * 100]];
        }
        assertFalse(Arrays.equals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, categoryOrder));
        int[] firstBlock = Arrays.copyOf(sequence, 100);
        int[] sorted = firstBlock.clone();
        Arrays.sort(sorted);
        assertFalse(Arrays.equals(sorted, firstBlock), "items within a category keep ordinal order");
        assertEquals(99, sorted[99] - sorted[0], "the block is one whole category");
    }

    @Test
    void rejectsCategoryArrayOfWrongLength() {
        assertThrows(IllegalArgumentException.class,
                () -> CategoryTreeInit.build(TreeShape.forItems(2, 10), new int[9], 1));
    }
}
