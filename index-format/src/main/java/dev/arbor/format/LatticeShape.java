package dev.arbor.format;

/**
 * The K x D lattice of Deep Retrieval: {@code depth} layers of {@code k} codes each. A path picks one code per layer,
 * {@code c_0 ... c_{D-1}}, and is identified by its key, the base-K number {@code c_0 K^(D-1) + ... + c_{D-1}}, so that
 * sorting keys sorts paths lexicographically and a path's prefixes are contiguous key ranges. Nothing of this
 * arithmetic is stored; a reader needs only K and D.
 */
public record LatticeShape(int k, int depth) {
    public static final int MIN_K = 2;
    public static final int MAX_K = 65536;
    /** The code of every layer of an unused path slot: an item has fewer distinct paths than the segment allows. */
    public static final int NO_PATH = -1;

    /** Refuses K outside [2, 65536], D below 1, and a key space K^D above 2^63 - 1 (keys are i64). */
    public LatticeShape {
        if (k < MIN_K || k > MAX_K) {
            throw new IllegalArgumentException("K (codes per layer) must be in [" + MIN_K + ", " + MAX_K + "], got " + k);
        }
        if (depth < 1) {
            throw new IllegalArgumentException("D (layers) must be >= 1, got " + depth);
        }
        long space = 1;
        for (int d = 0; d < depth; d++) {
            if (space > Long.MAX_VALUE / k) {
                throw new IllegalArgumentException("K^D = " + k + "^" + depth + " paths do not fit in 63 bits: path keys"
                        + " are i64");
            }
            space *= k;
        }
    }

    /** Number of possible paths, K^D; every key is in [0, K^D). */
    public long keySpace() {
        return prefixes(depth);
    }

    /** The number of distinct prefixes of {@code layers} codes, K^layers, for {@code layers} in [0, D]. */
    public long prefixes(int layers) {
        if (layers < 0 || layers > depth) {
            throw new IllegalArgumentException("layers must be in [0, " + depth + "], got " + layers);
        }
        long n = 1;
        for (int i = 0; i < layers; i++) {
            n *= k;
        }
        return n;
    }

    /** Returns {@code key} if it names a path of this lattice, else throws naming it. */
    public long checkKey(long key) {
        if (key < 0 || key >= keySpace()) {
            throw new IllegalArgumentException("path key " + key + " outside [0, " + keySpace() + ") of a lattice of K = "
                    + k + " and D = " + depth);
        }
        return key;
    }

    /** Key of the path whose codes are {@code codes[from .. from + D)}, each in [0, K) (not checked). */
    public long key(int[] codes, int from) {
        long key = 0;
        for (int d = 0; d < depth; d++) {
            key = key * k + codes[from + d];
        }
        return key;
    }

    /** Code of layer {@code layer} on the path {@code key}: its base-K digit {@code layer}, counted from the top. */
    public int code(long key, int layer) {
        for (int d = depth - 1; d > layer; d--) {
            key /= k;
        }
        return (int) (key % k);
    }
}
