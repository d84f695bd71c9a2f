package dev.arbor.format;

import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The checks of {@code items.arb}'s content, which every index kind shares: distinct ids, categories in range. */
final class Items {
    private Items() {
    }

    /** Every item's category -1: an index without categories. */
    static int[] noCategories(int items) {
        int[] none = new int[items];
        Arrays.fill(none, -1);
        return none;
    }

    static void checkDistinctIds(long[] itemIds) {
        long[] sorted = itemIds.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("item id " + sorted[i] + " appears twice");
            }
        }
    }

    /**
     * No names (an empty list), or one per item: empty for an item with an integer id, else a name
     * ({@link ExternalIds#isName}) whose id ({@link ExternalIds#nameId(String)}) is the item's.
     */
    static void checkItemNames(List<String> names, long[] itemIds) {
        if (names.isEmpty()) {
            return;
        }
        if (names.size() != itemIds.length) {
            throw new IllegalArgumentException("expected no item names or " + itemIds.length + ", got " + names.size());
        }
        for (int i = 0; i < itemIds.length; i++) {
            String name = names.get(i);
            if (name.isEmpty()) {
                continue;
            }
            if (!ExternalIds.isName(name)) {
                throw new IllegalArgumentException("item " + i + "'s name \"" + name + "\" is not a name: it reads as an"
                        + " integer, has surrounding whitespace or is not Unicode");
            }
            if (ExternalIds.nameId(name) != itemIds[i]) {
                throw new IllegalArgumentException("item " + i + " is named \"" + name + "\" but has id " + itemIds[i]
                        + ", not the name's id " + ExternalIds.nameId(name));
            }
        }
    }

    /** Names non-empty, Unicode and distinct; one category per item, in {@code [-1, names.size())}. */
    static void checkCategories(int[] itemCategories, List<String> names, int items) {
        if (itemCategories.length != items) {
            throw new IllegalArgumentException("expected " + items + " item categories, got " + itemCategories.length);
        }
        Set<String> seen = new HashSet<>();
        CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder();
        for (int c = 0; c < names.size(); c++) {
            String name = names.get(c);
            // A lone surrogate would be written as '?' and could then collide with another name.
            if (name.isEmpty() || !utf8.canEncode(name)) {
                throw new IllegalArgumentException("category " + c + " has an empty or non-Unicode name: \"" + name + "\"");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("category name \"" + name + "\" appears twice");
            }
        }
        for (int i = 0; i < items; i++) {
            if (itemCategories[i] < -1 || itemCategories[i] >= names.size()) {
                throw new IllegalArgumentException("item " + i + " has category " + itemCategories[i] + ", outside [-1, "
                        + names.size() + ")");
            }
        }
    }
}
