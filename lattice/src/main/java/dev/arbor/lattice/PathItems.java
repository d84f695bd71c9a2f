package dev.arbor.lattice;

/**
 * The inverted index of a lattice: the items that sit on each path. An index on disk, or the assignment in training,
 * supplies it to {@link ItemCollector}. Called on the search thread: it must not block or allocate.
 */
public interface PathItems {

    /**
     * Writes the ordinals of the items on path {@code pathKey} into {@code out[0 .. min(size, out.length))} in the
     * index's order and returns {@code size}, the path's full item count (0 for a path no item sits on). A caller whose
     * {@code out} was too short grows it and asks again.
     */
    int items(long pathKey, int[] out);

    /** The external id of the item with this ordinal, for the {@link dev.arbor.search.ItemFilter}. */
    long itemId(int ordinal);

    /** N: the index holds the items of ordinals {@code 0 .. N)}. */
    int itemCount();
}
