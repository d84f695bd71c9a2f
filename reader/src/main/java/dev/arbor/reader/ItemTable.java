package dev.arbor.reader;

import static dev.arbor.format.SegmentFormat.*;

import dev.arbor.format.CorruptSegmentException;
import dev.arbor.format.ElementType;
import dev.arbor.format.FramedFile;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The mapped {@code items.arb} of a segment of any kind: ids, the id lookup and the categories. At open it checks the
 * sections' sizes and the category names (the one payload read at open); {@link #checkCategories()} checks every
 * item's category, and the lookups fail cleanly on a damaged value read from a segment opened unverified.
 */
final class ItemTable {
    private static final ValueLayout.OfInt INT = FramedFile.INT;
    private static final ValueLayout.OfLong LONG = FramedFile.LONG;

    private final FramedFile file;
    private final int itemCount;
    private final MemorySegment itemIds, sortedIds, sortedOrdinals;
    /** Each item's category; null when the segment has no categories. */
    private final MemorySegment itemCategories;
    private final String[] categoryNames;
    private final Map<String, Integer> categoryOrdinals = new HashMap<>();

    /**
     * Binds {@code items} (field 0 is checked against {@code itemCount}, which {@code source} determines).
     *
     * @throws CorruptSegmentException naming the file whose check failed
     */
    ItemTable(FramedFile items, int itemCount, FramedFile source) throws CorruptSegmentException {
        this.file = items;
        this.itemCount = itemCount;
        SegmentFiles.requireAgreement(items, 0, "itemCount", itemCount, source);
        itemIds = items.section(ITEMS_IDS, "itemIds", ElementType.I64, itemCount);
        sortedIds = items.section(ITEMS_SORTED_IDS, "sortedIds", ElementType.I64, itemCount);
        sortedOrdinals = items.section(ITEMS_SORTED_ORDINALS, "sortedOrdinals", ElementType.I32, itemCount);
        // Field 1 and its sections came after the first segments: a file with one field has no categories.
        boolean hasCategories = items.fieldCount() > 1;
        categoryNames = hasCategories ? readCategoryNames(items, categoryOrdinals) : new String[0];
        itemCategories = hasCategories ? items.section(ITEMS_CATEGORIES, "itemCategories", ElementType.I32, itemCount) : null;
    }

    /**
     * Category names, each put into {@code ordinals}: ascending ends that leave no name empty and fill the bytes
     * exactly, each name valid UTF-8 and distinct.
     */
    private static String[] readCategoryNames(FramedFile items, Map<String, Integer> ordinals)
            throws CorruptSegmentException {
        int count = items.intField(1, "categoryCount", 1, Integer.MAX_VALUE);
        MemorySegment ends = items.section(ITEMS_CATEGORY_NAME_ENDS, "categoryNameEnds", ElementType.I64, count);
        MemorySegment bytes = items.section(ITEMS_CATEGORY_NAMES, "categoryNames", ElementType.U8);
        String[] names = new String[count];
        long start = 0;
        for (int c = 0; c < count; c++) {
            long end = ends.getAtIndex(LONG, c);
            if (end <= start || end > bytes.byteSize()) {
                throw new CorruptSegmentException(items.resource(), "section categoryNameEnds: name " + c + " ends at "
                        + end + ", outside (" + start + ", " + bytes.byteSize() + "]: names are non-empty and lie in"
                        + " categoryNames");
            }
            try {
                names[c] = StandardCharsets.UTF_8.newDecoder()
                        .decode(ByteBuffer.wrap(bytes.asSlice(start, end - start).toArray(ValueLayout.JAVA_BYTE))).toString();
            } catch (CharacterCodingException e) {
                throw new CorruptSegmentException(items.resource(), "section categoryNames: name " + c
                        + " is not valid UTF-8");
            }
            Integer first = ordinals.putIfAbsent(names[c], c);
            if (first != null) {
                throw new CorruptSegmentException(items.resource(), "section categoryNames: name " + c + " \""
                        + names[c] + "\" repeats name " + first);
            }
            start = end;
        }
        if (start != bytes.byteSize()) {
            throw new CorruptSegmentException(items.resource(), "section categoryNameEnds: the names end at " + start
                    + ", but categoryNames has " + bytes.byteSize() + " bytes");
        }
        return names;
    }

    FramedFile file() {
        return file;
    }

    /** Every item's category must be a category of the segment or -1: a value beyond would index past a filter's table. */
    void checkCategories() throws CorruptSegmentException {
        if (itemCategories == null) {
            return;
        }
        for (int item = 0; item < itemCount; item++) {
            int c = itemCategories.getAtIndex(INT, item);
            if (c < -1 || c >= categoryNames.length) {
                throw new CorruptSegmentException(file.resource(), categoryOutOfRange(item, c));
            }
        }
    }

    private String categoryOutOfRange(int item, int category) {
        return "section itemCategories: item " + item + " has category " + category + ", outside [-1, "
                + categoryNames.length + ")";
    }

    long itemId(int ordinal) {
        return itemIds.getAtIndex(LONG, ordinal);
    }

    int ordinalOf(long id) {
        long lo = 0, hi = itemCount - 1L;
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            long v = sortedIds.getAtIndex(LONG, mid);
            if (v < id) {
                lo = mid + 1;
            } else if (v > id) {
                hi = mid - 1;
            } else {
                int ordinal = sortedOrdinals.getAtIndex(INT, mid);
                if (ordinal < 0 || ordinal >= itemCount) {
                    // Callers index other arrays with it: a damaged value must not escape as a plain IndexOutOfBounds.
                    throw new UncheckedIOException(new CorruptSegmentException(file.resource(), "sorted ordinal "
                            + ordinal + " is outside [0, " + itemCount + "); run checkIntegrity()"));
                }
                return ordinal;
            }
        }
        return -1;
    }

    int categoryCount() {
        return categoryNames.length;
    }

    String categoryName(int category) {
        return categoryNames[category];
    }

    int categoryOf(int itemOrdinal) {
        if (itemCategories == null) {
            Objects.checkIndex(itemOrdinal, itemCount);
            return -1;
        }
        int c = itemCategories.getAtIndex(INT, itemOrdinal);
        if (c < -1 || c >= categoryNames.length) {
            // Callers index filter tables with it: a damaged value must not escape as a plain IndexOutOfBounds.
            throw new UncheckedIOException(new CorruptSegmentException(file.resource(),
                    categoryOutOfRange(itemOrdinal, c) + "; run checkIntegrity()"));
        }
        return c;
    }

    int categoryOrdinal(String name) {
        return categoryOrdinals.getOrDefault(name, -1);
    }
}
