package dev.arbor.treetrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpareLeavesTest {

    @Test
    void aDecimalIsAFractionOfTheItemsAndAWholeNumberACount() {
        assertEquals(421, SpareLeaves.parse("0.25", "--spare-leaves").forItems(1682));
        assertEquals(5000, SpareLeaves.parse("5000", "--spare-leaves").forItems(1682));
        assertEquals(0, SpareLeaves.parse("0", "--spare-leaves").forItems(1682));
        assertEquals("0.25", SpareLeaves.parse("0.25", "x").toString());
        assertEquals("5000", SpareLeaves.parse("5000", "x").toString());
    }

    @Test
    void nonsenseIsRefusedNamingTheOption() {
        for (String bad : new String[] {"-1", "-0.5", "many", "11.0", "NaN"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SpareLeaves.parse(bad, "--spare-leaves"), bad);
            assertTrue(e.getMessage().startsWith("--spare-leaves"), e.getMessage());
        }
    }
}
