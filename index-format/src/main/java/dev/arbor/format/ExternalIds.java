package dev.arbor.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * External ids as text: the one rule by which the data readers, {@code arbor search} and the server turn an id given
 * as text into the 64-bit id the segment, the search and the history store work with (FORMAT.md, "Item names").
 *
 * <p>A text that reads as a 64-bit integer (an optional minus sign and decimal digits) is that integer, as ids have
 * always been. Any other text is a <em>name</em>, such as an ASIN, a UUID or a SKU, and stands for the id
 * {@link #nameId(String)} derives from it. The derivation is fixed, so a name keeps its id from one segment to the
 * next, and a history stored as ids stays valid when the index is retrained. Surrounding whitespace is not part of
 * an id.
 */
public final class ExternalIds {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private ExternalIds() {
    }

    /**
     * The id that {@code text} stands for: the integer it reads as, or the id of the name it is.
     *
     * @throws IllegalArgumentException when {@code text} is empty or only whitespace
     */
    public static long parse(String text) {
        String id = text.strip();
        if (id.isEmpty()) {
            throw new IllegalArgumentException("an id must not be empty");
        }
        return isInteger(id) ? Long.parseLong(id) : nameId(id);
    }

    /** Whether {@code text}, as it is, reads as a 64-bit integer: an optional minus and 1 to 19 decimal digits in range. */
    public static boolean isInteger(String text) {
        int start = text.startsWith("-") ? 1 : 0;
        int n = text.length();
        if (n == start || n - start > 19) {
            return false;
        }
        for (int i = start; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        if (n - start < 19) {
            return true;
        }
        try {
            Long.parseLong(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether {@code name} may be an item's name: non-empty, not an integer, no surrounding whitespace, Unicode. */
    public static boolean isName(String name) {
        return !name.isEmpty() && name.strip().length() == name.length() && !isInteger(name)
                && StandardCharsets.UTF_8.newEncoder().canEncode(name);
    }

    /** The id of the name {@code name}: {@link #nameId(MemorySegment)} of its UTF-8 bytes. */
    public static long nameId(String name) {
        return nameId(MemorySegment.ofArray(name.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The id of the name whose UTF-8 bytes are {@code utf8}: the 64-bit FNV-1a hash of the bytes, mixed by
     * MurmurHash3's 64-bit finaliser (a bijection, so it adds no collisions; it spreads FNV's weak low bits), with
     * the sign bit set. Negative, so a name's id never equals a non-negative integer id.
     */
    public static long nameId(MemorySegment utf8) {
        long h = FNV_OFFSET;
        for (long i = 0, n = utf8.byteSize(); i < n; i++) {
            h = (h ^ (utf8.get(ValueLayout.JAVA_BYTE, i) & 0xff)) * FNV_PRIME;
        }
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h | Long.MIN_VALUE;
    }
}
