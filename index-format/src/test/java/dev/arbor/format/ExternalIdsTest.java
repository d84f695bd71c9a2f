package dev.arbor.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExternalIdsTest {

    @Test
    void textThatReadsAsAnIntegerIsThatInteger() {
        assertEquals(42, ExternalIds.parse("42"));
        assertEquals(-7, ExternalIds.parse(" -7 "));
        assertEquals(7, ExternalIds.parse("007"));
        assertEquals(Long.MIN_VALUE, ExternalIds.parse(Long.toString(Long.MIN_VALUE)));
        assertEquals(Long.MAX_VALUE, ExternalIds.parse(Long.toString(Long.MAX_VALUE)));
    }

    @Test
    void anyOtherTextIsANameAndStandsForItsId() {
        for (String name : new String[] {"i1", "B000123", "+5", "1.5", "9223372036854775808", "-", "é"}) {
            assertFalse(ExternalIds.isInteger(name), name);
            assertTrue(ExternalIds.isName(name), name);
            assertEquals(ExternalIds.nameId(name), ExternalIds.parse(" " + name + "\t"), name);
            assertTrue(ExternalIds.nameId(name) < 0, "a name's id is negative: " + name);
        }
        assertThrows(IllegalArgumentException.class, () -> ExternalIds.parse(" "));
        assertFalse(ExternalIds.isName("42"));
        assertFalse(ExternalIds.isName(" i1"));
        assertFalse(ExternalIds.isName(""));
        assertFalse(ExternalIds.isName("\uD800"), "a lone surrogate is not Unicode");
    }

    /** The derivation is part of the format (FORMAT.md, "Item names"): these values must never change. */
    @Test
    void theDerivationIsFixed() {
        assertEquals(0xae364580c785edddL, ExternalIds.nameId("i1"));
        assertEquals(0x9b10acb45a30f968L, ExternalIds.nameId("B000123"));
        assertEquals(0x9d55ccb9ba86763bL, ExternalIds.nameId("é"));
    }
}
