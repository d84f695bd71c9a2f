package dev.arbor.lattice;

/**
 * The shape of a Deep Retrieval lattice: {@code depth} layers of {@code width} codes each, a path being one code per
 * layer. A path's key is its codes read as a base-{@code width} number, the first layer most significant:
 * {@code c_0·K^(D-1) + … + c_(D-1)}. Keys so order paths lexicographically by their codes, and the key of a prefix
 * extended by a code is {@code prefixKey·K + code}. A lattice with {@code K^D >= 2^63} paths is refused, so every key
 * fits a non-negative long.
 */
public record Lattice(int width, int depth) {

    public Lattice {
        if (width < 2) {
            throw new IllegalArgumentException("width must be >= 2 codes per layer, got " + width);
        }
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be >= 1 layer, got " + depth);
        }
        long paths = 1;
        for (int layer = 0; layer < depth; layer++) {
            if (paths > Long.MAX_VALUE / width) {
                throw new IllegalArgumentException("a lattice of width " + width + " and depth " + depth
                        + " has width^depth >= 2^63 paths: its path keys would not fit a long");
            }
            paths *= width;
        }
    }

    /** The number of distinct prefixes of {@code layers} codes, {@code K^layers}; {@code layers <= depth}. */
    public long prefixes(int layers) {
        if (layers < 0 || layers > depth) {
            throw new IllegalArgumentException("layers must be in [0, " + depth + "], got " + layers);
        }
        long n = 1;
        for (int i = 0; i < layers; i++) {
            n *= width;
        }
        return n;
    }

    /** The number of paths, {@code K^D}. */
    public long pathCount() {
        return prefixes(depth);
    }

    /** The key of the path whose codes are {@code codes[from .. from + depth)}. */
    public long key(int[] codes, int from) {
        long key = 0;
        for (int layer = 0; layer < depth; layer++) {
            int code = codes[from + layer];
            if (code < 0 || code >= width) {
                throw new IllegalArgumentException("code " + code + " of layer " + layer + " outside [0, " + width + ")");
            }
            key = key * width + code;
        }
        return key;
    }

    /** The code that the path {@code key} takes on {@code layer}. */
    public int code(long key, int layer) {
        checkKey(key);
        if (layer < 0 || layer >= depth) {
            throw new IllegalArgumentException("layer must be in [0, " + depth + "), got " + layer);
        }
        for (int i = depth - 1; i > layer; i--) {
            key /= width;
        }
        return (int) (key % width);
    }

    /** Returns {@code key} if it names a path of this lattice, else throws naming it. */
    public long checkKey(long key) {
        if (key < 0 || key >= pathCount()) {
            throw new IllegalArgumentException("path key " + key + " outside [0, " + pathCount() + ") of a lattice of width "
                    + width + " and depth " + depth);
        }
        return key;
    }
}
