package dev.arbor.synth;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.ModelWeights;
import dev.arbor.format.TreeIndex;
import dev.arbor.format.TreeShape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A structured synthetic tree index for tests and benchmarks at any size.
 *
 * <p>Embeddings are hierarchical clusters that follow the tree: a node's vector is its parent's plus a
 * random offset that shrinks with depth, so siblings are close and subtrees are clusters. Inner nodes
 * then get the mean of their items, as a trained tree would roughly have. The model's weights are
 * random and small except for a planted path that makes the score about {@code -|u - n|_1}, where
 * {@code u} is a recency-weighted mix of the history windows: users whose history sits in a cluster
 * prefer that cluster's nodes, so beam search has real structure to follow. For the attention-DNN a
 * planted unit also raises the weight of behaviours similar to the candidate.
 *
 * <p>With no inner-node noise the tree is perfectly consistent with the model (the nearest inner
 * nodes hold the nearest items), so beam search finds the exact top K at any beam. Inner-node noise
 * perturbs every inner node away from its items' mean, by {@code noise} times the spread of its
 * children, the way a trained model's inner-node scores are only roughly right: beam search then
 * misses items, more so with narrow beams, and recall-against-latency curves mean something.
 *
 * <p>Items have {@value #CATEGORIES} categories, named {@code c0} to {@code c19}: the leaf level cut into that many
 * equal runs of leaves, so that a category covers a few adjacent subtrees, as in a tree built from categories.
 */
public final class SyntheticIndex {
    public static final long FIRST_ITEM_ID = 10_000_000_000L;
    public static final long ITEM_ID_STEP = 7;
    /** Item categories of a generated index. */
    public static final int CATEGORIES = 20;

    private SyntheticIndex() {
    }

    /** External id of synthetic item {@code ordinal}: sparse and wider than 32 bits on purpose. */
    public static long itemId(int ordinal) {
        return FIRST_ITEM_ID + ordinal * ITEM_ID_STEP;
    }

    public static TreeIndex generate(int items, int branching, ModelKind kind, long seed) {
        return generate(items, branching, kind, seed, 0);
    }

    public static TreeIndex generate(int items, int branching, ModelKind kind, long seed, double innerNoise) {
        ModelArchitecture arch = kind == ModelKind.ATTENTION_DNN ? ModelArchitecture.tdmAttentionDnn()
                : ModelArchitecture.tdmMlp();
        return generate(items, branching, arch, seed, innerNoise);
    }

    public static TreeIndex generate(int items, int branching, ModelArchitecture arch, long seed) {
        return generate(items, branching, arch, seed, 0);
    }

    /** @param innerNoise inner-node noise in units of a node's children's spread; 0 for a tree-consistent index */
    public static TreeIndex generate(int items, int branching, ModelArchitecture arch, long seed, double innerNoise) {
        if (!(innerNoise >= 0 && innerNoise <= 100)) {
            throw new IllegalArgumentException("inner-node noise must be in [0, 100], got " + innerNoise);
        }
        TreeShape shape = TreeShape.forItems(branching, items);
        int d = arch.embeddingDim();
        SplittableRandom random = new SplittableRandom(seed);
        // Items fill leaves in a random order, leaving padding leaves scattered through the tree.
        int[] leafPerm = permutation(shape.leafCount(), random.split());
        int[] itemToLeaf = new int[items];
        System.arraycopy(leafPerm, 0, itemToLeaf, 0, items);
        long[] ids = new long[items];
        for (int i = 0; i < items; i++) {
            ids[i] = itemId(i);
        }
        float[] emb = clusteredEmbeddings(shape, d, seed);
        meanInnerNodes(shape, d, emb, itemToLeaf, (float) innerNoise, seed);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source", "synthetic");
        meta.put("synthetic.items", Integer.toString(items));
        meta.put("synthetic.branching", Integer.toString(branching));
        meta.put("synthetic.seed", Long.toString(seed));
        meta.put("synthetic.inner-noise", Double.toString(innerNoise));
        return new TreeIndex(shape, ids, itemToLeaf, emb, plantedWeights(arch, random.split()), meta,
                leafRunCategories(shape, itemToLeaf), IntStream.range(0, CATEGORIES).mapToObj(c -> "c" + c).toList());
    }

    /** Category of each item: which of {@value #CATEGORIES} equal runs of the leaf level holds its leaf. */
    private static int[] leafRunCategories(TreeShape shape, int[] itemToLeaf) {
        int[] categories = new int[itemToLeaf.length];
        for (int i = 0; i < categories.length; i++) {
            categories[i] = (int) ((long) itemToLeaf[i] * CATEGORIES / shape.leafCount());
        }
        return categories;
    }

    /**
     * The same items, item embeddings and model on another tree: leaves hold the items' vectors where
     * {@code itemToLeaf} puts them and inner nodes the mean of their items, as {@link #generate} builds them.
     * Comparing trees of different shapes over one corpus needs this: the items and scores, so the exact
     * top K, stay the same and only the tree changes. Items keep their categories.
     */
    public static TreeIndex withTree(TreeIndex source, TreeShape shape, int[] itemToLeaf) {
        int d = source.dim(), items = source.shape().itemCount();
        if (shape.itemCount() != items || itemToLeaf.length != items) {
            throw new IllegalArgumentException("the new tree must hold the same " + items + " items");
        }
        float[] from = source.nodeEmbeddings();
        float[] emb = new float[Math.multiplyExact(shape.nodeCount(), d)];
        int oldFirst = source.shape().firstLeaf(), newFirst = shape.firstLeaf();
        for (int i = 0; i < items; i++) {
            System.arraycopy(from, (oldFirst + source.itemToLeaf()[i]) * d, emb, (newFirst + itemToLeaf[i]) * d, d);
        }
        meanInnerNodes(shape, d, emb, itemToLeaf, 0, 0);
        Map<String, String> meta = new LinkedHashMap<>(source.metadata());
        meta.put("synthetic.branching", Integer.toString(shape.branching()));
        meta.put("synthetic.tree", "rebuilt");
        return new TreeIndex(shape, source.itemIds(), itemToLeaf, emb, source.model(), meta, source.itemCategories(),
                source.categoryNames());
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Top-down: each node = parent + N(0, 0.6^level) offset; nodes of a level are independent, so parallel. */
    private static float[] clusteredEmbeddings(TreeShape shape, int d, long seed) {
        float[] emb = new float[Math.multiplyExact(shape.nodeCount(), d)];
        for (int level = 0; level < shape.levels(); level++) {
            float scale = (float) Math.pow(0.6, level);
            int start = shape.levelStart(level), size = shape.levelSize(level);
            int lvl = level;
            IntStream.range(0, (size + 4095) / 4096).parallel().forEach(block -> {
                SplittableRandom r = new SplittableRandom(seed * 1_000_003L + lvl * 65_537L + block);
                int from = start + block * 4096, to = Math.min(start + size, from + 4096);
                for (int node = from; node < to; node++) {
                    int parent = node == 0 ? -1 : shape.parent(node);
                    for (int k = 0; k < d; k++) {
                        float base = parent < 0 ? 0f : emb[parent * d + k];
                        emb[node * d + k] = base + scale * (float) gaussian(r);
                    }
                }
            });
        }
        return emb;
    }

    /**
     * Inner node = mean of its items' leaf vectors, plus {@code noise} times its children's offset scale
     * ({@code 0.6^(level+1)}) of Gaussian noise; empty subtrees and padding leaves become zero.
     */
    private static void meanInnerNodes(TreeShape shape, int d, float[] emb, int[] itemToLeaf, float noise, long seed) {
        int[] counts = new int[shape.nodeCount()];
        boolean[] occupied = new boolean[shape.leafCount()];
        for (int leaf : itemToLeaf) {
            occupied[leaf] = true;
        }
        int firstLeaf = shape.firstLeaf();
        for (int leaf = 0; leaf < occupied.length; leaf++) {
            if (occupied[leaf]) {
                counts[firstLeaf + leaf] = 1;
            } else {
                java.util.Arrays.fill(emb, (firstLeaf + leaf) * d, (firstLeaf + leaf + 1) * d, 0f);
            }
        }
        for (int level = shape.levels() - 2; level >= 0; level--) {
            int start = shape.levelStart(level), end = start + shape.levelSize(level);
            IntStream.range(start, end).parallel().forEach(node -> {
                int first = shape.firstChild(node), total = 0;
                float[] sum = new float[d];
                for (int c = first; c < first + shape.branching(); c++) {
                    total += counts[c];
                    for (int k = 0; k < d; k++) {
                        sum[k] += counts[c] * emb[c * d + k];
                    }
                }
                counts[node] = total;
                for (int k = 0; k < d; k++) {
                    emb[node * d + k] = total == 0 ? 0f : sum[k] / total;
                }
            });
        }
        if (noise == 0) {
            return;
        }
        // After all means, so each node's noise is its own and not its children's averaged.
        for (int level = 0; level < shape.leafLevel(); level++) {
            float spread = noise * (float) Math.pow(0.6, level + 1);
            IntStream.range(shape.levelStart(level), shape.levelStart(level) + shape.levelSize(level)).parallel()
                    .filter(node -> counts[node] > 0)
                    .forEach(node -> {
                        SplittableRandom r = new SplittableRandom(seed * 1_000_033L + node);
                        for (int k = 0; k < d; k++) {
                            emb[node * d + k] += spread * (float) r.nextGaussian();
                        }
                    });
        }
    }

    static ModelWeights plantedWeights(ModelArchitecture arch, SplittableRandom r) {
        ModelWeights w = ModelWeights.zeros(arch);
        for (float[] t : w.tensors()) {
            for (int i = 0; i < t.length; i++) {
                t[i] = (float) (0.01 * gaussian(r));
            }
        }
        int d = arch.embeddingDim(), windows = arch.windowCount(), in0 = arch.mlpInput();
        int[] hidden = arch.mlpHidden();
        if (hidden[0] < d) {
            throw new IllegalArgumentException("the planted model needs a first hidden layer of at least dim units");
        }
        // Recent windows count more: weight grows with the window index (window 0 is the oldest).
        float[] recency = new float[windows];
        float total = 0;
        for (int i = 0; i < windows; i++) {
            recency[i] = i + 1;
            total += recency[i];
        }
        float[] w0 = w.tensor("mlp0.w"), a0 = w.tensor("mlp0.alpha"), b0 = w.tensor("mlp0.b");
        for (int k = 0; k < d; k++) {
            for (int win = 0; win < windows; win++) {
                w0[k * in0 + win * d + k] = windows * recency[win] / total;
            }
            w0[k * in0 + windows * d + k] = -1f;
            b0[k] = 0f;
            a0[k] = -1f; // PReLU with slope -1 is |x|: unit k is |u_k - n_k|
        }
        for (int layer = 1; layer < hidden.length; layer++) {
            float[] wl = w.tensor("mlp" + layer + ".w"), al = w.tensor("mlp" + layer + ".alpha");
            int sumOf = layer == 1 ? d : 1;
            for (int k = 0; k < sumOf; k++) {
                wl[k] = 1f; // unit 0 carries the L1 distance forward
            }
            w.tensor("mlp" + layer + ".b")[0] = 0f;
            al[0] = 1f;
        }
        float[] out = w.tensor("out.w");
        int last = hidden[hidden.length - 1];
        out[last] = -1f; // logit1 - logit0 ~ -L1
        if (arch.hasAttention()) {
            float[] att1 = w.tensor("att.w1"), alpha = w.tensor("att.alpha"), w2 = w.tensor("att.w2");
            for (int k = 0; k < d; k++) {
                att1[d + k] = 1f; // unit 0 sees b . n
            }
            alpha[0] = 1f;
            w2[0] = 0.05f;
            w.tensor("att.b2")[0] = 1f;
        }
        return w;
    }

    private static double gaussian(SplittableRandom r) {
        return r.nextGaussian();
    }

    /**
     * A user history of {@code length} item ids drawn from one random subtree a few levels above the
     * leaves (about {@code B^spanLevels} leaves), so the user has a clear interest for search to find.
     */
    public static long[] sampleHistory(TreeIndex index, int length, int spanLevels, SplittableRandom r) {
        TreeShape shape = index.shape();
        int[] leafItems = index.leafToItem();
        int anchorLeaf = index.itemToLeaf()[r.nextInt(shape.itemCount())];
        int level = Math.max(0, shape.leafLevel() - spanLevels);
        int subtree = shape.ancestorAt(shape.leafNode(anchorLeaf), level);
        int first = subtree, last = subtree;
        for (int l = level; l < shape.leafLevel(); l++) {
            first = shape.firstChild(first);
            last = shape.firstChild(last) + shape.branching() - 1;
        }
        long[] history = new long[length];
        for (int i = 0; i < length; i++) {
            int item;
            do {
                item = leafItems[first - shape.firstLeaf() + r.nextInt(last - first + 1)];
            } while (item < 0);
            history[i] = index.itemIds()[item];
        }
        return history;
    }
}
