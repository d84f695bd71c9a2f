package dev.arbor.lattice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatticeTest {

    @Test
    void keysAreBaseWidthNumbersFirstLayerMostSignificant() {
        Lattice lattice = new Lattice(10, 3);
        assertEquals(1000, lattice.pathCount());
        assertEquals(100, lattice.prefixes(2));
        assertEquals(372, lattice.key(new int[] {9, 3, 7, 2}, 1));
        assertEquals(3, lattice.code(372, 0));
        assertEquals(7, lattice.code(372, 1));
        assertEquals(2, lattice.code(372, 2));
    }

    @Test
    void refusesLatticesWhoseKeysOverflowALong() {
        // 2^62 paths fit; 2^63 do not, nor 3^40 (about 1.2e19).
        assertEquals(1L << 62, new Lattice(2, 62).pathCount());
        var e = assertThrows(IllegalArgumentException.class, () -> new Lattice(2, 63));
        assertTrue(e.getMessage().contains("2^63"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Lattice(3, 40));
        assertEquals(4052555153018976267L, new Lattice(3, 39).pathCount());
    }

    @Test
    void badArgumentsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Lattice(1, 3)).getMessage().contains("width"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Lattice(4, 0)).getMessage().contains("depth"));
        Lattice lattice = new Lattice(4, 2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lattice.key(new int[] {1, 4}, 0))
                .getMessage().contains("code 4 of layer 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lattice.checkKey(16)).getMessage()
                .contains("path key 16"));
        assertThrows(IllegalArgumentException.class, () -> lattice.code(3, 2));
    }
}
