package dev.arbor.format;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HierarchicalHistoryTest {

    private final TreeShape shape = new TreeShape(2, 5, 16); // nodes 0..30, leaves 15..30

    @Test
    void aLevelReadsItsOwnAncestorsButNeverAboveTheMinimum() {
        HierarchicalHistory h = new HierarchicalHistory(shape, 2);
        assertEquals(2, h.historyLevel(0));
        assertEquals(2, h.historyLevel(2));
        assertEquals(3, h.historyLevel(3));
        assertEquals(4, h.historyLevel(4));
        int[] leaves = {15, -1, 22, 30};
        int[] out = new int[4];
        h.map(leaves, 4, out);
        assertArrayEquals(leaves, out, "the leaf level reads the leaves");
        h.map(leaves, 3, out);
        assertArrayEquals(new int[] {7, -1, 10, 14}, out);
        h.map(leaves, 2, out);
        assertArrayEquals(new int[] {3, -1, 4, 6}, out);
        for (int level = 2; level <= 4; level++) {
            h.map(leaves, level, out);
            for (int i = 0; i < leaves.length; i++) {
                if (leaves[i] >= 0) {
                    assertEquals(shape.ancestorAt(leaves[i], level), out[i]);
                    assertEquals(level, shape.levelOf(out[i]));
                }
            }
        }
    }

    @Test
    void propertiesAndBadLevels() {
        assertNull(HierarchicalHistory.fromProperties(shape, Map.of()));
        assertEquals(3, HierarchicalHistory.fromProperties(shape, Map.of(HierarchicalHistory.PROPERTY, "3")).minLevel());
        var e = assertThrows(IllegalArgumentException.class,
                () -> HierarchicalHistory.fromProperties(shape, Map.of(HierarchicalHistory.PROPERTY, "three")));
        assertEquals("property model.historyMinLevel must be a level, got 'three'", e.getMessage());
        var deep = assertThrows(IllegalArgumentException.class, () -> new HierarchicalHistory(shape, 5));
        assertEquals("the hierarchical history's minimum level must be from 1 to the leaf level 4, got 5", deep.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HierarchicalHistory(shape, 0));
    }
}
