package dev.arbor.format;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The lattice's arithmetic, the model's tensor list, and an inconsistent lattice index refused when it is built. */
class LatticeIndexTest {
    private static final LatticeShape LATTICE = new LatticeShape(3, 2);
    private static final LatticeArchitecture ARCH = new LatticeArchitecture(LATTICE, 4, new int[] {2, 1}, new int[] {5, 6},
            new int[] {7});
    private static final LatticeWeights MODEL = LatticeWeights.zeros(ARCH);

    private static void refused(String expected, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** Three items, J = 2, D = 2: paths given as codes. */
    private static LatticeIndex index(int... paths) {
        return new LatticeIndex(MODEL, 2, new long[] {10, 20, 30}, paths, new float[3 * 4], new float[3 * 4], Map.of());
    }

    @Test
    void keysAreBaseKNumbersAndTheKeySpaceMustFitIn63Bits() {
        LatticeShape shape = new LatticeShape(10, 3);
        assertEquals(1000, shape.keySpace());
        assertEquals(472, shape.key(new int[] {9, 4, 7, 2}, 1));
        assertEquals(4, shape.code(472, 0));
        assertEquals(7, shape.code(472, 1));
        assertEquals(2, shape.code(472, 2));
        assertEquals(Long.MAX_VALUE / 2 + 1, new LatticeShape(2, 62).keySpace());
        refused("K^D = 2^63 paths do not fit in 63 bits", () -> new LatticeShape(2, 63));
        refused("K^D = 65536^4 paths do not fit in 63 bits", () -> new LatticeShape(65536, 4));
        assertEquals(1L << 48, new LatticeShape(65536, 3).keySpace());
        refused("K (codes per layer) must be in [2, 65536], got 1", () -> new LatticeShape(1, 3));
        refused("K (codes per layer) must be in [2, 65536], got 65537", () -> new LatticeShape(65537, 1));
        refused("D (layers) must be >= 1, got 0", () -> new LatticeShape(5, 0));
        assertEquals(100, shape.prefixes(2));
        assertEquals(1, shape.prefixes(0));
        refused("layers must be in [0, 3], got 4", () -> shape.prefixes(4));
        assertEquals(999, shape.checkKey(999));
        refused("path key 1000 outside [0, 1000)", () -> shape.checkKey(1000));
        refused("path key -1 outside", () -> shape.checkKey(-1));
    }

    @Test
    void theTensorListFollowsTheLayersAndTheirInputs() {
        List<TensorSpec> t = ARCH.tensors();
        // 2 code tables, 2 layers of (2 hidden x 3 + 2 out), the reranker's 1 x 3 + 2.
        assertEquals(2 + 2 * 8 + 5, t.size());
        assertEquals(new TensorSpec("code1", 3, 4), t.get(1));
        assertEquals(new TensorSpec("layer0.mlp0.w", 5, 8), t.get(ARCH.tensorIndex("layer0.mlp0.w")));
        assertEquals(new TensorSpec("layer1.mlp0.w", 5, 12), t.get(ARCH.tensorIndex("layer1.mlp0.w")),
                "layer 1 reads u and the code above it");
        assertEquals(new TensorSpec("layer1.mlp1.alpha", 1, 6), t.get(ARCH.tensorIndex("layer1.mlp1.alpha")));
        assertEquals(new TensorSpec("layer1.out.w", 3, 6), t.get(ARCH.tensorIndex("layer1.out.w")));
        assertEquals(new TensorSpec("rerank.mlp0.w", 7, 8), t.get(ARCH.tensorIndex("rerank.mlp0.w")));
        assertEquals(new TensorSpec("rerank.out.b", 1, 4), t.getLast());
        refused("has no tensor layer2.out.w", () -> ARCH.tensorIndex("layer2.out.w"));
        refused("tensor code0 must have 12 floats, got 11", () -> {
            float[][] tensors = TensorSpec.zeros(t);
            tensors[0] = new float[11];
            new LatticeWeights(ARCH, tensors);
        });
        LatticeArchitecture defaults = LatticeArchitecture.defaults(new LatticeShape(100, 3));
        List<TensorSpec> all = defaults.tensors();
        assertEquals(3 + 3 * (3 * 2 + 2) + 3 + 2, all.size(), "D code tables, D MLPs of 2 layers, a reranker of 1");
        assertEquals(new TensorSpec("layer2.mlp0.w", 128, 12 * 24), all.get(defaults.tensorIndex("layer2.mlp0.w")));
        assertEquals(new TensorSpec("rerank.out.w", 24, 128), all.get(defaults.tensorIndex("rerank.out.w")));
        refused("rerank hidden layer count must be in [1, 16]", () -> new LatticeArchitecture(LATTICE, 4, new int[] {1},
                new int[] {5}, new int[0]));
        refused("the model is too large", () -> new LatticeArchitecture(new LatticeShape(65536, 2), 4096, new int[] {1},
                new int[] {65536}, new int[] {1}));
    }

    @Test
    void pathsMustBeInTheLatticeDistinctAndBeforeTheUnusedSlots() {
        LatticeIndex ok = index(0, 1, 2, 2, /* */ 1, 1, -1, -1, /* */ 0, 0, 0, 1);
        assertEquals(1, ok.pathKey(0, 0));
        assertEquals(8, ok.pathKey(0, 1));
        assertEquals(LatticeShape.NO_PATH, ok.pathKey(1, 1));
        refused("itemPaths: item 1 path 0 has code 3 at layer 1, outside [0, 3)", () -> index(0, 1, 2, 2, 1, 3, -1, -1, 0, 0, 0, 1));
        refused("itemPaths: item 0 path 0 has code -2 at layer 0", () -> index(-2, 1, 2, 2, 1, 1, -1, -1, 0, 0, 0, 1));
        refused("item 1 path 1 has code 2 at layer 1, but its layer 0 is the no-path marker -1",
                () -> index(0, 1, 2, 2, 1, 1, -1, 2, 0, 0, 0, 1));
        refused("item 1 path 1 has code -1 at layer 1, outside [0, 3)", () -> index(0, 1, 2, 2, 1, 1, 2, -1, 0, 0, 0, 1));
        refused("itemPaths: item 2 has no path", () -> index(0, 1, 2, 2, 1, 1, -1, -1, -1, -1, -1, -1));
        refused("itemPaths: item 2 path 1 follows an unused slot", () -> index(0, 1, 2, 2, 1, 1, -1, -1, -1, -1, 0, 1));
        refused("itemPaths: item 0 has path 5 twice", () -> index(1, 2, 1, 2, 1, 1, -1, -1, 0, 0, 0, 1));
        refused("itemPaths: expected 3 x 2 x 2 codes (items x J x D), got 11", () -> index(0, 1, 2, 2, 1, 1, -1, -1, 0, 0, 0));
    }

    @Test
    void tablesIdsAndCategoriesAreChecked() {
        int[] paths = {0, 1, -1, -1, 1, 1, -1, -1, 2, 2, -1, -1};
        float[] table = new float[12];
        refused("itemEmbeddings: expected 3 x 4 floats (items x dim), got 11",
                () -> new LatticeIndex(MODEL, 2, new long[] {1, 2, 3}, paths, new float[11], table, Map.of()));
        refused("rerankEmbeddings: expected 3 x 4 floats (items x dim), got 13",
                () -> new LatticeIndex(MODEL, 2, new long[] {1, 2, 3}, paths, table, new float[13], Map.of()));
        refused("item id 2 appears twice", () -> new LatticeIndex(MODEL, 2, new long[] {1, 2, 2}, paths, table, table, Map.of()));
        refused("pathsPerItem (J) must be in [1, 1024], got 0", () -> new LatticeIndex(MODEL, 0, new long[] {1, 2, 3},
                new int[0], table, table, Map.of()));
        refused("itemIds: an index needs at least one item", () -> new LatticeIndex(MODEL, 1, new long[0], new int[0],
                new float[0], new float[0], Map.of()));
        refused("item 2 has category 1, outside [-1, 1)", () -> new LatticeIndex(MODEL, 2, new long[] {1, 2, 3}, paths,
                table, table, Map.of(), new int[] {0, -1, 1}, List.of("a")));
        LatticeIndex plain = new LatticeIndex(MODEL, 2, new long[] {1, 2, 3}, paths, table, table, Map.of());
        assertArrayEquals(new int[] {-1, -1, -1}, plain.itemCategories());
    }

    @Test
    void theInvertedPathsListEachPathsItemsAscending() {
        // Item 0: paths 1 and 8; item 1: path 4; item 2: paths 1 and 0.
        InvertedPaths inverted = InvertedPaths.of(index(0, 1, 2, 2, /* */ 1, 1, -1, -1, /* */ 0, 1, 0, 0));
        assertArrayEquals(new long[] {0, 1, 4, 8}, inverted.keys());
        assertArrayEquals(new int[] {0, 1, 3, 4, 5}, inverted.starts());
        assertArrayEquals(new int[] {2, 0, 2, 1, 0}, inverted.items());
        assertEquals(4, inverted.pathCount());
    }
}
