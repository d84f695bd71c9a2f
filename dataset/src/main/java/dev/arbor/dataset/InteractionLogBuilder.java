package dev.arbor.dataset;

import dev.arbor.format.ExternalIds;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Accumulates interactions and item metadata, then builds an {@link InteractionLog}. The readers use it, and so can
 * generators of synthetic data. Ids are integers, or text by the rule of {@link ExternalIds}: an integer, or a name
 * that stands for its derived id; two different ids that come to the same 64-bit id are refused. Item metadata
 * (category, title) may arrive before or after the item's first interaction, as MovieLens keeps it in a separate
 * file; metadata for items that never interact is dropped. The first category or title given for an item wins. A
 * builder builds once.
 */
public final class InteractionLogBuilder {

    private final boolean withTimestamps;
    private final Ids users = new Ids("user");
    private final Ids items = new Ids("item");
    private final IntArrayList userOrdinals = new IntArrayList();
    private final IntArrayList itemOrdinals = new IntArrayList();
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
        itemCategory.defaultReturnValue(-1);
    }

    /** Adds an interaction of a builder with timestamps. */
    public void add(long userId, long itemId, long timestamp) {
        requireTimestamps(true);
        append(userId, null, itemId, null);
        times.add(timestamp);
    }

    /** Adds an interaction of a builder without timestamps. */
    public void add(long userId, long itemId) {
        requireTimestamps(false);
        append(userId, null, itemId, null);
    }

    /**
     * Adds an interaction of a builder with timestamps, its user and item given as text ({@link ExternalIds}).
     *
     * @throws IllegalArgumentException when an id is blank, or comes to the same 64-bit id as another one
     */
    public void add(String user, String item, long timestamp) {
        requireTimestamps(true);
        append(user, item);
        times.add(timestamp);
    }

    /**
     * Adds an interaction of a builder without timestamps, its user and item given as text ({@link ExternalIds}).
     *
     * @throws IllegalArgumentException when an id is blank, or comes to the same 64-bit id as another one
     */
    public void add(String user, String item) {
        requireTimestamps(false);
        append(user, item);
    }

    private void requireTimestamps(boolean given) {
        if (given != withTimestamps) {
            throw new IllegalStateException(withTimestamps ? "this builder needs timestamps; use add(user, item, timestamp)"
                    : "this builder has no timestamps; use add(user, item)");
        }
    }

    private void append(String user, String item) {
        String u = user.strip(), i = item.strip();
        append(ExternalIds.parse(u), ExternalIds.isInteger(u) ? null : u, ExternalIds.parse(i),
                ExternalIds.isInteger(i) ? null : i);
    }

    private void append(long userId, String userName, long itemId, String itemName) {
        checkOpen();
        // Both checked before either is added, so that a refused interaction leaves no user or item behind.
        users.checkName(userId, userName);
        items.checkName(itemId, itemName);
        userOrdinals.add(users.ordinal(userId, userName));
        itemOrdinals.add(items.ordinal(itemId, itemName));
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
        long[] itemIdArray = items.ids.toLongArray();
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
        return new InteractionLog(userOrdinals.toIntArray(), itemOrdinals.toIntArray(),
                withTimestamps ? times.toLongArray() : null, users.ids.toLongArray(), itemIdArray, users.index,
                items.index, categories, used.toArray(String[]::new), hasCategories, titles, items.names(), badLines);
    }

    /**
     * The users' or the items' ids in order of first appearance, with the name of each that has one. A name is kept
     * only to tell it apart from another id of the same 64-bit value; the list of names is made at the first one.
     */
    private static final class Ids {
        final String kind;
        final Long2IntOpenHashMap index = new Long2IntOpenHashMap();
        final LongArrayList ids = new LongArrayList();
        /** Each ordinal's name, null for an integer id; null until an id with a name arrives. */
        List<String> names;

        Ids(String kind) {
            this.kind = kind;
            index.defaultReturnValue(-1);
        }

        /** Refuses {@code id} under {@code name} (null for an integer) when it is known under another name or none. */
        void checkName(long id, String name) {
            if (names == null && name == null) {
                return;
            }
            int ordinal = index.get(id);
            String known = ordinal < 0 ? name : names == null ? null : names.get(ordinal);
            if (!Objects.equals(known, name)) {
                throw new IllegalArgumentException(kind + " " + describe(known, id) + " and " + kind + " "
                        + describe(name, id) + " come to the same 64-bit id " + id + "; rename one");
            }
        }

        /** The ordinal of {@code id}, a new one at its first appearance; its name was checked by {@link #checkName}. */
        int ordinal(long id, String name) {
            int ordinal = index.putIfAbsent(id, ids.size());
            if (ordinal >= 0) {
                return ordinal;
            }
            ids.add(id);
            if (name != null && names == null) {
                names = new ArrayList<>(Collections.nCopies(ids.size() - 1, null));
            }
            if (names != null) {
                names.add(name);
            }
            return ids.size() - 1;
        }

        private static String describe(String name, long id) {
            return name == null ? Long.toString(id) : "\"" + name + "\"";
        }

        /** Each ordinal's name, null for an integer id; null when no id has a name. */
        String[] names() {
            return names == null ? null : names.toArray(String[]::new);
        }
    }

    private void checkOpen() {
        if (built) {
            throw new IllegalStateException("this builder has already built its log");
        }
    }
}
