package dev.arbor.treetrain;

import dev.arbor.format.TreeShape;
import dev.arbor.nn.TrainableModel;
import dev.arbor.scorer.Kernels;
import dev.arbor.scorer.LevelScorer;
import dev.arbor.scorer.ModelTensors;
import dev.arbor.scorer.NodeScorer;
import dev.arbor.search.SearchableTree;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * A tree in training as {@link dev.arbor.search.BeamSearcher} sees it: the round's shape and leaves, scored by the
 * serving {@link NodeScorer} over the model as {@link #freeze} last found it. Items are their own ids (ordinals).
 *
 * <p>Freeze between steps, never while a search runs: the scorer reads the model's live embedding table, which
 * holds still until the next step. Searches on many threads at once are fine, each with its own context.
 */
final class TrainingTree implements SearchableTree {
    private final TreeShape shape;
    private final int[] itemToLeaf;
    private final int[] leafItem;
    private final boolean[] nonEmpty;
    private final Frozen scorer = new Frozen();

    TrainingTree(TreeShape shape, int[] itemToLeaf) {
        if (itemToLeaf.length != shape.itemCount()) {
            throw new IllegalArgumentException("the tree holds " + shape.itemCount() + " items, the leaf map "
                    + itemToLeaf.length);
        }
        this.shape = shape;
        this.itemToLeaf = itemToLeaf.clone();
        this.leafItem = new int[shape.leafCount()];
        java.util.Arrays.fill(leafItem, -1);
        for (int item = 0; item < itemToLeaf.length; item++) {
            leafItem[itemToLeaf[item]] = item;
        }
        this.nonEmpty = TdmRounds.nonEmptyNodes(shape, itemToLeaf);
    }

    /** Scores from now on with {@code model} as it stands: BatchNorm folded, embeddings read in place. */
    void freeze(TrainableModel model) {
        if (model.embeddingRows() != shape.nodeCount()) {
            throw new IllegalArgumentException("the model has " + model.embeddingRows() + " embedding rows, the tree "
                    + shape.nodeCount() + " nodes");
        }
        scorer.current = frozenScorer(model);
    }

    /**
     * The serving scorer of {@code model} as it stands, over its live embedding table (a heap segment, which the
     * scorer reads little-endian, as segment files are).
     */
    static NodeScorer frozenScorer(TrainableModel model) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("scoring a model in training reads its embeddings in place, which"
                    + " needs a little-endian platform");
        }
        return new NodeScorer(ModelTensors.of(model.export()), MemorySegment.ofArray(model.embeddings()),
                Kernels.best());
    }

    @Override
    public TreeShape shape() {
        return shape;
    }

    @Override
    public LevelScorer scorer() {
        return scorer;
    }

    @Override
    public boolean nonEmpty(int node) {
        return nonEmpty[node];
    }

    @Override
    public int itemAtLeaf(int leaf) {
        return leafItem[leaf];
    }

    @Override
    public int leafOf(int ordinal) {
        return itemToLeaf[ordinal];
    }

    @Override
    public int itemCount() {
        return itemToLeaf.length;
    }

    @Override
    public long itemId(int ordinal) {
        return ordinal;
    }

    @Override
    public int ordinalOf(long itemId) {
        return itemId >= 0 && itemId < itemToLeaf.length ? (int) itemId : -1;
    }

    @Override
    public String describe() {
        return "the tree in training (" + shape.itemCount() + " items, branching " + shape.branching() + ", "
                + shape.levels() + " levels)";
    }

    /**
     * The scorer of the last freeze. A user made under one freeze serves the later ones: they share the architecture,
     * which alone sizes its scratch. The field is written between batches, before the workers start.
     */
    private static final class Frozen implements LevelScorer {
        NodeScorer current;

        private NodeScorer current() {
            if (current == null) {
                throw new IllegalStateException("freeze() the tree with the model before searching it");
            }
            return current;
        }

        @Override
        public User newUser() {
            return current().newUser();
        }

        @Override
        public int historyLength() {
            return current().historyLength();
        }

        @Override
        public void prepare(User user, int[] historyNodes) {
            current().prepare(user, historyNodes);
        }

        @Override
        public void score(User user, int[] nodes, int from, int count, float[] out, int outOff) {
            current().score(user, nodes, from, count, out, outOff);
        }
    }
}
