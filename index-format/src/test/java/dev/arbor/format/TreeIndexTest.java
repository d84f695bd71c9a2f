package dev.arbor.format;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** An inconsistent index is refused when it is built, with a message that says what disagrees. */
class TreeIndexTest {
    private static final ModelArchitecture MLP = ModelArchitecture.tdmMlp();
    private static final TreeShape SHAPE = TreeShape.forItems(2, 3); // 2 levels below the root: 4 leaves, 7 nodes

    private static TreeIndex index(long[] ids, int[] leaves, int embeddingFloats, ModelArchitecture arch) {
        return new TreeIndex(SHAPE, ids, leaves, new float[embeddingFloats], ModelWeights.zeros(arch), Map.of());
    }

    private static void refused(String expected, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void modelAndEmbeddingDimensionsThatDisagreeAreRefused() {
        int nodes = SHAPE.nodeCount();
        assertNotNull(index(new long[] {1, 2, 3}, new int[] {0, 1, 2}, nodes * 24, MLP));
        refused("model and embedding dimensions disagree", () -> index(new long[] {1, 2, 3}, new int[] {0, 1, 2},
                nodes * 16, MLP));
        ModelArchitecture dim16 = new ModelArchitecture(ModelKind.MLP, 16, BehaviourWindows.sizes(), 0,
                new int[] {32});
        refused("7 x 16", () -> index(new long[] {1, 2, 3}, new int[] {0, 1, 2}, nodes * 24, dim16));
    }

    @Test
    void itemsAndLeavesMustMatchTheShape() {
        int floats = SHAPE.nodeCount() * 24;
        refused("expected 3 item ids and leaves, got 2 and 3",
                () -> index(new long[] {1, 2}, new int[] {0, 1, 2}, floats, MLP));
        refused("maps to leaf 4, outside [0, 4)", () -> index(new long[] {1, 2, 3}, new int[] {0, 1, 4}, floats, MLP));
        refused("maps to leaf -1", () -> index(new long[] {1, 2, 3}, new int[] {0, 1, -1}, floats, MLP));
        refused("leaf 1 holds two items", () -> index(new long[] {1, 2, 3}, new int[] {0, 1, 1}, floats, MLP));
        refused("item id 2 appears twice", () -> index(new long[] {1, 2, 2}, new int[] {0, 1, 2}, floats, MLP));
    }

    @Test
    void categoriesMustBeInRangeWithDistinctNonEmptyNames() {
        long[] ids = {1, 2, 3};
        int[] leaves = {0, 1, 2};
        float[] emb = new float[SHAPE.nodeCount() * 24];
        ModelWeights model = ModelWeights.zeros(MLP);
        TreeIndex plain = index(ids, leaves, emb.length, MLP);
        assertArrayEquals(new int[] {-1, -1, -1}, plain.itemCategories(), "no categories: every item has none");
        assertEquals(List.of(), plain.categoryNames());
        TreeIndex some = new TreeIndex(SHAPE, ids, leaves, emb, model, Map.of(), new int[] {1, -1, 0}, List.of("a", "b"));
        assertEquals(List.of("a", "b"), some.categoryNames());
        refused("expected 3 item categories, got 2", () -> new TreeIndex(SHAPE, ids, leaves, emb, model, Map.of(),
                new int[] {0, 0}, List.of("a")));
        refused("item 2 has category 1, outside [-1, 1)", () -> new TreeIndex(SHAPE, ids, leaves, emb, model, Map.of(),
                new int[] {0, 0, 1}, List.of("a")));
        refused("item 0 has category -2", () -> new TreeIndex(SHAPE, ids, leaves, emb, model, Map.of(),
                new int[] {-2, 0, 0}, List.of("a")));
        refused("item 1 has category 0, outside [-1, 0)", () -> new TreeIndex(SHAPE, ids, leaves, emb, model, Map.of(),
                new int[] {-1, 0, -1}, List.of()));
        refused("category name \"a\" appears twice", () -> new TreeIndex(SHAPE, ids, leaves, emb, model, Map.of(),
                new int[] {0, 1, 2}, List.of("a", "b", "a")));
        refused("category 1 has an empty or non-Unicode name", () -> new TreeIndex(SHAPE, ids, leaves, emb, model,
                Map.of(), new int[] {0, 0, 0}, List.of("a", "")));
        refused("category 0 has an empty or non-Unicode name", () -> new TreeIndex(SHAPE, ids, leaves, emb, model,
                Map.of(), new int[] {0, 0, 0}, List.of("x\uD800")));
    }

    @Test
    void itemNamesMustBeNamesOfTheItemsIds() {
        long[] ids = {ExternalIds.nameId("i1"), 2, ExternalIds.nameId("B000123")};
        int[] leaves = {0, 1, 2};
        float[] emb = new float[SHAPE.nodeCount() * 24];
        ModelWeights model = ModelWeights.zeros(MLP);
        int[] none = {-1, -1, -1};
        TreeIndex named = new TreeIndex(SHAPE, ids, leaves, emb, model, Map.of(), none, List.of(),
                List.of("i1", "", "B000123"));
        assertEquals(List.of("i1", "", "B000123"), named.itemNames());
        assertEquals(List.of(), index(new long[] {1, 2, 3}, leaves, emb.length, MLP).itemNames());
        refused("expected no item names or 3, got 2", () -> new TreeIndex(SHAPE, ids, leaves, emb, model, Map.of(),
                none, List.of(), List.of("i1", "")));
        refused("item 0 is named \"i2\" but has id " + ids[0], () -> new TreeIndex(SHAPE, ids, leaves, emb, model,
                Map.of(), none, List.of(), List.of("i2", "", "B000123")));
        refused("item 1's name \"2\" is not a name", () -> new TreeIndex(SHAPE, ids, leaves, emb, model, Map.of(),
                none, List.of(), List.of("i1", "2", "B000123")));
        refused("item 0's name \" i1\" is not a name", () -> new TreeIndex(SHAPE, ids, leaves, emb, model, Map.of(),
                none, List.of(), List.of(" i1", "", "B000123")));
    }

    @Test
    void spareLeavesDeepenTheTreeOnlyWhenThePaddingIsShort() {
        assertEquals(12, TreeShape.forItems(2, 1682).levels()); // 2,048 leaves: 366 padding
        assertEquals(12, TreeShape.forItems(2, 1682, 366).levels());
        assertEquals(13, TreeShape.forItems(2, 1682, 367).levels()); // 1,682 + 367 > 2,048
        assertEquals(1682, TreeShape.forItems(2, 1682, 367).itemCount());
        assertEquals(3, TreeShape.forItems(4, 10, 6).levels()); // 16 leaves: exactly 6 spare
    }

    @Test
    void negativeOrAbsurdSizesAreRefused() {
        refused("spareLeaves must be >= 0", () -> TreeShape.forItems(2, 10, -1));
        refused("branching must be >= 2", () -> TreeShape.forItems(1, 10));
        refused("itemCount must be >= 1", () -> TreeShape.forItems(2, 0));
        refused("itemCount must be >= 1", () -> new TreeShape(2, 3, -5));
        refused("levels must be in [1, 64]", () -> new TreeShape(2, 0, 1));
        refused("branching must be in [2, 1024]", () -> new TreeShape(100_000, 2, 1));
        refused("more than", () -> new TreeShape(1024, 5, 1)); // node ids would overflow an int
        refused("fewer than the 5 items", () -> new TreeShape(2, 3, 5));
        refused("embeddingDim must be in [1, 4096]", () -> new ModelArchitecture(ModelKind.MLP, 0,
                BehaviourWindows.sizes(), 0, new int[] {8}));
        refused("window size must be in [1, 4096]", () -> new ModelArchitecture(ModelKind.MLP, 8, new int[] {-1}, 0,
                new int[] {8}));
        refused("attentionHidden must be in [1, 65536]", () -> new ModelArchitecture(ModelKind.ATTENTION_DNN, 8,
                new int[] {1}, 0, new int[] {8}));
        // Each number within its limit, but the first layer would hold 65536 x 257 x 4096 floats: an int overflow.
        int[] windows = new int[256];
        java.util.Arrays.fill(windows, 4096);
        refused("the model is too large", () -> new ModelArchitecture(ModelKind.MLP, 4096, windows, 0,
                new int[] {65536}));
        refused("tensor mlp0.b must have 128 floats, got 3", () -> {
            float[][] tensors = ModelWeights.zeros(MLP).tensors();
            tensors[MLP.tensorIndex("mlp0.b")] = new float[3];
            new ModelWeights(MLP, tensors);
        });
    }
}
