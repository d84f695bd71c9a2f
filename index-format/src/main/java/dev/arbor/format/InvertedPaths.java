package dev.arbor.format;

import java.util.Arrays;

/**
 * The path to items mapping of a lattice index, the inverse of its items' paths, laid out for lookups by binary search
 * with no map: path {@code p} (0-based in key order) has key {@code keys[p]} and items
 * {@code items[starts[p] .. starts[p + 1])}, ascending.
 *
 * @param keys   the distinct keys of the paths some item has, ascending
 * @param starts {@code keys.length + 1} ascending offsets into {@code items}: 0 first, {@code items.length} last
 * @param items  each path's item ordinals, ascending, path after path
 */
public record InvertedPaths(long[] keys, int[] starts, int[] items) {

    /** Inverts {@code index}'s item paths: a sort of the used keys, then a counting sort of the items by path. */
    public static InvertedPaths of(LatticeIndex index) {
        int paths = index.pathsPerItem();
        long[] slotKeys = new long[index.itemCount() * paths];
        long[] used = new long[slotKeys.length];
        int count = 0;
        for (int slot = 0; slot < slotKeys.length; slot++) {
            slotKeys[slot] = index.pathKey(slot / paths, slot % paths);
            if (slotKeys[slot] != LatticeShape.NO_PATH) {
                used[count++] = slotKeys[slot];
            }
        }
        Arrays.sort(used, 0, count);
        int distinct = 0;
        for (int i = 0; i < count; i++) {
            if (i == 0 || used[i] != used[i - 1]) {
                used[distinct++] = used[i];
            }
        }
        long[] keys = Arrays.copyOf(used, distinct);
        int[] pathOfSlot = new int[slotKeys.length];
        int[] starts = new int[distinct + 1];
        for (int slot = 0; slot < slotKeys.length; slot++) {
            if (slotKeys[slot] != LatticeShape.NO_PATH) {
                pathOfSlot[slot] = Arrays.binarySearch(keys, slotKeys[slot]);
                starts[pathOfSlot[slot] + 1]++;
            }
        }
        Arrays.parallelPrefix(starts, Integer::sum);
        int[] next = Arrays.copyOf(starts, distinct);
        int[] items = new int[count];
        // Slots in item order, so each path's list comes out ascending.
        for (int slot = 0; slot < slotKeys.length; slot++) {
            if (slotKeys[slot] != LatticeShape.NO_PATH) {
                items[next[pathOfSlot[slot]]++] = slot / paths;
            }
        }
        return new InvertedPaths(keys, starts, items);
    }

    /** Number of distinct paths. */
    public int pathCount() {
        return keys.length;
    }
}
