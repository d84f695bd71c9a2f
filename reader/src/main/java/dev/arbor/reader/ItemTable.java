package dev.arbor.reader;

import static dev.arbor.format.SegmentFormat.*;

import dev.arbor.format.CorruptSegmentException;
import dev.arbor.format.ElementType;
import dev.arbor.format.ExternalIds;
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
 * The mapped {@code items.arb} of a segment of any kind: ids, the id lookup, the item names and the categories. At
 * open it checks the sections' sizes and the category names (the one payload read at open); {@link #checkCategories()}
 * checks every item's category, {@link #checkNames()} every item's name, and the lookups fail cleanly on a damaged
 * value read from a segment opened unverified.
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
    /** Where each item's name ends in {@link #itemNames}, and the names; both null when no item has a name. */
    private final MemorySegment itemNameEnds, itemNames;

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
        // The names came after categories: a file without their sections has only integer ids.
        if (items.hasSection(ITEMS_NAME_ENDS) || items.hasSection(ITEMS_NAMES)) {
            itemNameEnds = items.section(ITEMS_NAME_ENDS, "itemNameEnds", ElementType.I64, itemCount);
            itemNames = items.section(ITEMS_NAMES, "itemNames", ElementType.U8);
            long last = itemNameEnds.getAtIndex(LONG, itemCount - 1L);
            if (last != itemNames.byteSize()) {
                throw new CorruptSegmentException(items.resource(), "section itemNameEnds: the names end at " + last
                        + ", but itemNames has " + itemNames.byteSize() + " bytes");
            }
        } else {
            itemNameEnds = null;
            itemNames = null;
        }
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

    /**
     * Every item's name: the ends ascending, and each non-empty name valid UTF-8, a name by {@link ExternalIds#isName}
     * and the name of the item's id. The last check ties each name to its id, so a damaged name cannot send a lookup
     * to another item.
     */
    void checkNames() throws CorruptSegmentException {
        if (itemNames == null) {
            return;
        }
        long start = 0;
        for (int item = 0; item < itemCount; item++) {
            long end = itemNameEnds.getAtIndex(LONG, item);
            if (end < start || end > itemNames.byteSize()) {
                throw new CorruptSegmentException(file.resource(), "section itemNameEnds: item " + item + "'s name ends"
                        + " at " + end + ", outside [" + start + ", " + itemNames.byteSize() + "]");
            }
            if (end > start) {
                MemorySegment bytes = itemNames.asSlice(start, end - start);
                String name;
                try {
                    name = StandardCharsets.UTF_8.newDecoder().decode(bytes.asByteBuffer()).toString();
                } catch (CharacterCodingException e) {
                    throw new CorruptSegmentException(file.resource(), "section itemNames: item " + item + "'s name is"
                            + " not valid UTF-8");
                }
                if (!ExternalIds.isName(name) || ExternalIds.nameId(bytes) != itemId(item)) {
                    throw new CorruptSegmentException(file.resource(), "section itemNames: item " + item + "'s name \""
                            + name + "\" is not a name or not the name of its id " + itemId(item));
                }
            }
            start = end;
        }
    }

    /**
     * The name of item {@code ordinal}, or null when it has an integer id. Decodes the mapped bytes; for output, not
     * for a hot path.
     *
     * @throws UncheckedIOException with a {@link CorruptSegmentException} when the stored ends are out of range
     */
    String itemName(int ordinal) {
        Objects.checkIndex(ordinal, itemCount);
        if (itemNames == null) {
            return null;
        }
        MemorySegment name = nameBytes(ordinal);
        return name.byteSize() == 0 ? null : new String(name.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** Item {@code ordinal}'s external id as text: its name, or its integer id in decimal. */
    String itemIdText(int ordinal) {
        String name = itemName(ordinal);
        return name != null ? name : Long.toString(itemId(ordinal));
    }

    /** The stored bytes of item {@code ordinal}'s name, empty for none; the ends are checked before they are used. */
    private MemorySegment nameBytes(int ordinal) {
        long start = ordinal == 0 ? 0 : itemNameEnds.getAtIndex(LONG, ordinal - 1);
        long end = itemNameEnds.getAtIndex(LONG, ordinal);
        if (start < 0 || end < start || end > itemNames.byteSize()) {
            throw new UncheckedIOException(new CorruptSegmentException(file.resource(), "section itemNameEnds: item "
                    + ordinal + "'s name lies at [" + start + ", " + end + "), outside the " + itemNames.byteSize()
                    + " bytes of itemNames; run checkIntegrity()"));
        }
        return itemNames.asSlice(start, end - start);
    }

    /**
     * Ordinal of the item that {@code text} stands for ({@link ExternalIds#parse}), or -1: the id lookup over the
     * mapped sorted ids, and for a name a comparison of its UTF-8 bytes with the stored name in place, so that a name
     * absent from the segment is never taken for an item whose id it happens to share.
     *
     * @throws IllegalArgumentException when {@code text} is blank
     */
    int ordinalOf(String text) {
        String id = text.strip();
        if (id.isEmpty() || ExternalIds.isInteger(id)) {
            return ordinalOf(ExternalIds.parse(id));
        }
        MemorySegment utf8 = MemorySegment.ofArray(id.getBytes(StandardCharsets.UTF_8));
        int ordinal = ordinalOf(ExternalIds.nameId(utf8));
        if (ordinal < 0 || itemNames == null) {
            return -1;
        }
        return nameBytes(ordinal).mismatch(utf8) == -1 ? ordinal : -1;
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
