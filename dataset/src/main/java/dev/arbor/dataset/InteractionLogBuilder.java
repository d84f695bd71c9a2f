package dev.arbor.dataset;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Accumulates interactions and item metadata, then builds an {@link InteractionLog}. The readers use it, and so can
 * generators of synthetic data. Item metadata (category, title) may arrive before or after the item's first
 * interaction, as MovieLens keeps it in a separate file; metadata for items that never interact is dropped. The
 * first category or title given for an item wins. A builder builds once.
 */
public final class InteractionLogBuilder {

    private final boolean withTimestamps;
    private final Long2IntOpenHashMap userIndex = new Long2IntOpenHashMap();
    private final Long2IntOpenHashMap itemIndex = new Long2IntOpenHashMap();
    private final LongArrayList userIds = new LongArrayList();
    private final LongArrayList itemIds = new LongArrayList();
    private final IntArrayList users = new IntArrayList();
    private final IntArrayList items = new IntArrayList();
    private final LongArrayList times = new LongArrayList();
    /** Category names as first given; an item's category is an index into this list until {@link #build}. */
    private final Object2IntOpenHashMap<String> categoryIndex = new Object2IntOpenHashMap<>();
    private final List<String> categoryNames = new ArrayList<>();
    private final Long2IntOpenHashMap itemCategory = new Long2IntOpenHashMap();
    private final Long2ObjectOpenHashMap<String> itemTitle = new Long2ObjectOpenHashMap<>();
    private boolean built;

    /** A builder whose interactions do ({@code withTimestamps}) or do not carry timestamps. */
    public InteractionLogBuilder(boolean withTimestamps) {
        this.withTimestamps = withTimestamps;
        userIndex.defaultReturnValue(-1);
        itemIndex.defaultReturnValue(-1);
        itemCategory.defaultReturnValue(-1);
    }

    /** Adds an interaction of a builder with timestamps. */
    public void add(long userId, long itemId, long timestamp) {
        if (!withTimestamps) {
            throw new IllegalStateException("this builder has no timestamps; use add(userId, itemId)");
        }
        append(userId, itemId);
        times.add(timestamp);
    }

    /** Adds an interaction of a builder without timestamps. */
    public void add(long userId, long itemId) {
        if (withTimestamps) {
            throw new IllegalStateException("this builder needs timestamps; use add(userId, itemId, timestamp)");
        }
        append(userId, itemId);
    }

    private void append(long userId, long itemId) {
        checkOpen();
        users.add(ordinal(userIndex, userIds, userId));
        items.add(ordinal(itemIndex, itemIds, itemId));
    }

    private static int ordinal(Long2IntOpenHashMap index, LongArrayList ids, long id) {
        int ordinal = index.putIfAbsent(id, ids.size());
        if (ordinal >= 0) {
            return ordinal;
        }
        ids.add(id);
        return ids.size() - 1;
    }

    /** Sets the category of item {@code itemId} unless it already has one. */
    public void category(long itemId, String name) {
        checkOpen();
        if (!itemCategory.containsKey(itemId)) {
            itemCategory.put(itemId, categoryIndex(name));
        }
    }

    /**
     * Sets the numeric category of item {@code itemId} unless it already has one; its name becomes the decimal id.
     * Cheaper than {@link #category(long, String)} for logs that repeat the category on every row, like Taobao's.
     */
    public void category(long itemId, long categoryId) {
        checkOpen();
        if (!itemCategory.containsKey(itemId)) {
            itemCategory.put(itemId, categoryIndex(Long.toString(categoryId)));
        }
    }

    private int categoryIndex(String name) {
        int index = categoryIndex.getOrDefault(name, -1);
        if (index < 0) {
            index = categoryNames.size();
            categoryIndex.put(name, index);
            categoryNames.add(name);
        }
        return index;
    }

    /** Sets the title of item {@code itemId} unless it already has one. */
    public void title(long itemId, String title) {
        checkOpen();
        itemTitle.putIfAbsent(itemId, title);
    }

    /** Builds the log; the builder cannot be used afterwards. */
    public InteractionLog build() {
        return build(List.of());
    }

    /** Builds the log, recording the lines its read skipped. */
    InteractionLog build(List<BadLine> badLines) {
        checkOpen();
        built = true;
        long[] itemIdArray = itemIds.toLongArray();
        int numItems = itemIdArray.length;

        // Renumber categories densely over the items that occur, in order of first item, so that genres of
        // unrated movies do not become empty categories.
        int[] remap = new int[categoryNames.size()];
        Arrays.fill(remap, -1);
        List<String> used = new ArrayList<>();
        int[] categories = new int[numItems];
        int none = -1;
        for (int item = 0; item < numItems; item++) {
            int c = itemCategory.get(itemIdArray[item]);
            if (c < 0) {
                if (none < 0) {
                    none = used.size();
                    used.add(InteractionLog.NO_CATEGORY);
                }
                categories[item] = none;
            } else {
                if (remap[c] < 0) {
                    remap[c] = used.size();
                    used.add(categoryNames.get(c));
                }
                categories[item] = remap[c];
            }
        }
        boolean hasCategories = none < 0 ? numItems > 0 : used.size() > 1;

        String[] titles = null;
        if (!itemTitle.isEmpty()) {
            titles = new String[numItems];
            for (int item = 0; item < numItems; item++) {
                titles[item] = itemTitle.get(itemIdArray[item]);
            }
        }
        return new InteractionLog(users.toIntArray(), items.toIntArray(), withTimestamps ? times.toLongArray() : null,
                userIds.toLongArray(), itemIdArray, userIndex, itemIndex, categories, used.toArray(String[]::new),
                hasCategories, titles, badLines);
    }

    private void checkOpen() {
        if (built) {
            throw new IllegalStateException("this builder has already built its log");
        }
    }
}
