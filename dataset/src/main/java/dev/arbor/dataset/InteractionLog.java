package dev.arbor.dataset;

import it.unimi.dsi.fastutil.ints.IntArrays;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.Arrays;
import java.util.List;

/**
 * An in-memory interaction log with dense ordinals, kept as flat primitive arrays so that a 100-million-row
 * Taobao log costs a few bytes per row rather than an object per row.
 *
 * <p>Users and items get ordinals {@code 0..n-1} in order of first appearance in the input. Interaction
 * {@code i} (input order) is {@code userOrdinals()[i]}, {@code itemOrdinals()[i]} and, when the source has
 * them, {@code timestamps()[i]}. Every item has a category ordinal; items whose source gives none share the
 * category named {@link #NO_CATEGORY}.
 *
 * <p>Per-user sequences are stored CSR-style: user {@code u}'s items are
 * {@code sequenceItems()[userOffsets()[u] .. userOffsets()[u+1])}, in time order (a stable sort, so equal
 * timestamps keep their input order), or in input order when there are no timestamps.
 *
 * <p>The array accessors return the backing arrays, not copies, because training reads them in hot loops;
 * callers must not modify them. Build one with {@link InteractionLogBuilder} or read one with
 * {@link InteractionLogs#read}.
 */
public final class InteractionLog {

    /** The category of items whose source names none. */
    public static final String NO_CATEGORY = "(none)";

    private final int[] userOrdinals;
    private final int[] itemOrdinals;
    private final long[] timestamps;
    private final long[] userIds;
    private final long[] itemIds;
    private final Long2IntOpenHashMap userIndex;
    private final Long2IntOpenHashMap itemIndex;
    private final int[] itemCategories;
    private final String[] categoryNames;
    private final boolean hasCategories;
    private final String[] itemTitles;
    private final String[] itemNames;
    private final int[] userOffsets;
    private final int[] sequenceItems;
    private final List<BadLine> badLines;

    InteractionLog(int[] userOrdinals, int[] itemOrdinals, long[] timestamps, long[] userIds, long[] itemIds,
            Long2IntOpenHashMap userIndex, Long2IntOpenHashMap itemIndex, int[] itemCategories,
            String[] categoryNames, boolean hasCategories, String[] itemTitles, String[] itemNames,
            List<BadLine> badLines) {
        this.userOrdinals = userOrdinals;
        this.itemOrdinals = itemOrdinals;
        this.timestamps = timestamps;
        this.userIds = userIds;
        this.itemIds = itemIds;
        this.userIndex = userIndex;
        this.itemIndex = itemIndex;
        this.itemCategories = itemCategories;
        this.categoryNames = categoryNames;
        this.hasCategories = hasCategories;
        this.itemTitles = itemTitles;
        this.itemNames = itemNames;
        this.badLines = List.copyOf(badLines);
        this.userOffsets = new int[userIds.length + 1];
        this.sequenceItems = new int[userOrdinals.length];
        buildSequences();
    }

    /** Groups interactions by user with a counting sort (stable), then time-sorts each user's run stably. */
    private void buildSequences() {
        for (int u : userOrdinals) {
            userOffsets[u + 1]++;
        }
        for (int u = 0; u < userIds.length; u++) {
            userOffsets[u + 1] += userOffsets[u];
        }
        int[] next = Arrays.copyOf(userOffsets, userIds.length);
        int[] order = new int[userOrdinals.length];
        for (int i = 0; i < userOrdinals.length; i++) {
            order[next[userOrdinals[i]]++] = i;
        }
        if (timestamps != null) {
            for (int u = 0; u < userIds.length; u++) {
                sortByTime(order, userOffsets[u], userOffsets[u + 1]);
            }
        }
        for (int k = 0; k < order.length; k++) {
            sequenceItems[k] = itemOrdinals[order[k]];
        }
    }

    /** Stable sort of {@code order[from, to)} by timestamp; a run already in order (the usual case) costs one pass. */
    private void sortByTime(int[] order, int from, int to) {
        for (int k = from + 1; k < to; k++) {
            if (timestamps[order[k]] < timestamps[order[k - 1]]) {
                IntArrays.mergeSort(order, from, to,
                        (a, b) -> Long.compare(timestamps[a], timestamps[b]));
                return;
            }
        }
    }

    /** Number of interactions (rows kept). */
    public int size() {
        return userOrdinals.length;
    }

    /** Number of distinct users. */
    public int numUsers() {
        return userIds.length;
    }

    /** Number of distinct items that occur in the log. */
    public int numItems() {
        return itemIds.length;
    }

    /** Number of distinct item categories, {@link #NO_CATEGORY} included when some item has none. */
    public int numCategories() {
        return categoryNames.length;
    }

    /** Whether interactions carry timestamps; when not, {@link #timestamps()} is null and order is input order. */
    public boolean hasTimestamps() {
        return timestamps != null;
    }

    /** Whether the source gave categories (false means every item is in {@link #NO_CATEGORY}). */
    public boolean hasCategories() {
        return hasCategories;
    }

    /** Whether the source gave item titles. */
    public boolean hasTitles() {
        return itemTitles != null;
    }

    /** Whether some item's id is a name ({@code format.ExternalIds}) rather than an integer. */
    public boolean hasItemNames() {
        return itemNames != null;
    }

    /** User ordinal of each interaction, input order. Backing array: do not modify. */
    public int[] userOrdinals() {
        return userOrdinals;
    }

    /** Item ordinal of each interaction, input order. Backing array: do not modify. */
    public int[] itemOrdinals() {
        return itemOrdinals;
    }

    /** Timestamp of each interaction, input order, or null when {@link #hasTimestamps()} is false. Backing array. */
    public long[] timestamps() {
        return timestamps;
    }

    /** External user id of each user ordinal. Backing array: do not modify. */
    public long[] userIds() {
        return userIds;
    }

    /**
     * External item id of each item ordinal; for an item with a name, the name's id ({@code format.ExternalIds}).
     * Backing array: do not modify.
     */
    public long[] itemIds() {
        return itemIds;
    }

    /** Category ordinal of each item ordinal. Backing array: do not modify. */
    public int[] itemCategories() {
        return itemCategories;
    }

    /** The ordinal of external user id {@code userId}, or -1 when it is not in the log. */
    public int userOrdinal(long userId) {
        return userIndex.get(userId);
    }

    /** The ordinal of external item id {@code itemId}, or -1 when it is not in the log. */
    public int itemOrdinal(long itemId) {
        return itemIndex.get(itemId);
    }

    /** The category ordinal of item {@code item}. */
    public int itemCategory(int item) {
        return itemCategories[item];
    }

    /** The name of category {@code category}: a genre for MovieLens, the decimal category id for Taobao. */
    public String categoryName(int category) {
        return categoryNames[category];
    }

    /** The name of item {@code item}, or null when its id is an integer. */
    public String itemName(int item) {
        return itemNames == null ? null : itemNames[item];
    }

    /**
     * The categories as a segment stores them: each item's category among {@code names}, or -1 for
     * {@link #NO_CATEGORY}; {@code names} is empty when the source gave no categories.
     */
    public record SegmentCategories(int[] itemCategories, List<String> names) {
    }

    /** The item categories in the segment's form ({@link SegmentCategories}). */
    public SegmentCategories segmentCategories() {
        if (!hasCategories()) {
            int[] none = new int[numItems()];
            Arrays.fill(none, -1);
            return new SegmentCategories(none, List.of());
        }
        int[] segmentCategory = new int[numCategories()];
        List<String> names = new java.util.ArrayList<>();
        for (int c = 0; c < segmentCategory.length; c++) {
            boolean none = categoryName(c).equals(NO_CATEGORY);
            segmentCategory[c] = none ? -1 : names.size();
            if (!none) {
                names.add(categoryName(c));
            }
        }
        int[] categories = new int[numItems()];
        for (int item = 0; item < categories.length; item++) {
            categories[item] = segmentCategory[itemCategory(item)];
        }
        return new SegmentCategories(categories, List.copyOf(names));
    }

    /** The title of item {@code item}, or null when the source has none for it. */
    public String itemTitle(int item) {
        return itemTitles == null ? null : itemTitles[item];
    }

    /** CSR offsets of the per-user sequences, {@code numUsers() + 1} long. Backing array: do not modify. */
    public int[] userOffsets() {
        return userOffsets;
    }

    /** All per-user sequences end to end (item ordinals, oldest first per user). Backing array: do not modify. */
    public int[] sequenceItems() {
        return sequenceItems;
    }

    /** Length of user {@code user}'s sequence. */
    public int sequenceLength(int user) {
        return userOffsets[user + 1] - userOffsets[user];
    }

    /** A copy of user {@code user}'s sequence, oldest first. */
    public int[] sequence(int user) {
        return Arrays.copyOfRange(sequenceItems, userOffsets[user], userOffsets[user + 1]);
    }

    /** The malformed lines the read skipped (empty unless {@link ReadOptions#maxBadLines()} allowed some). */
    public List<BadLine> badLines() {
        return badLines;
    }

    @Override
    public String toString() {
        return "InteractionLog[" + numUsers() + " users, " + numItems() + " items, " + size() + " interactions, "
                + numCategories() + " categories, " + (hasTimestamps() ? "timestamps" : "no timestamps") + "]";
    }
}
