package dev.arbor.lattice;

/** An inverted index held in two arrays, item id = 1000 + ordinal; a lookup is a scan and allocates nothing. */
final class MapPathItems implements PathItems {
    private final long[] keys;
    private final int[][] items;
    private final int itemCount;

    /** {@code entries} alternate a path key and that path's items. */
    MapPathItems(Object... entries) {
        keys = new long[entries.length / 2];
        items = new int[entries.length / 2][];
        for (int i = 0; i < entries.length; i += 2) {
            keys[i / 2] = ((Number) entries[i]).longValue();
            items[i / 2] = (int[]) entries[i + 1];
        }
        itemCount = java.util.Arrays.stream(items).flatMapToInt(java.util.Arrays::stream).max().orElse(-1) + 1;
    }

    @Override
    public int items(long pathKey, int[] out) {
        for (int p = 0; p < keys.length; p++) {
            if (keys[p] == pathKey) {
                System.arraycopy(items[p], 0, out, 0, Math.min(items[p].length, out.length));
                return items[p].length;
            }
        }
        return 0;
    }

    @Override
    public long itemId(int ordinal) {
        return 1000L + ordinal;
    }

    /** One more than the largest ordinal on a path. */
    @Override
    public int itemCount() {
        return itemCount;
    }
}
