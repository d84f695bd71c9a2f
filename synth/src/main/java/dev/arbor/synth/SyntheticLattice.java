package dev.arbor.synth;

import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeIndex;
import dev.arbor.format.LatticeShape;
import dev.arbor.format.LatticeWeights;
import dev.arbor.format.TreeIndex;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A structured synthetic Deep Retrieval index: a synthetic tree's items on a K x D lattice whose clusters follow the
 * tree's, so that the tree's query histories are coherent users of both indexes and the two compare on one workload.
 *
 * <p>Clusters follow path prefixes as a residual code: each layer d has K code vectors of spread {@code 0.6^d} (the
 * tree generator's shrinking offsets), and an item on path {@code c_0 .. c_(D-1)} sits at
 * {@code code_0[c_0] + ... + code_(D-1)[c_(D-1)]} plus Gaussian scatter of the next spread, so items sharing a prefix
 * are a cluster and longer prefixes are tighter ones. An item's first path comes from its tree leaf, the leaf range cut
 * into K^D equal runs in key order, so a tree subtree is a run of paths under a few prefixes; its other J - 1 paths
 * keep the first's prefix and take the next nearest last-layer codes, the overlap a trained M-step gives items near a
 * boundary.
 *
 * <p>The model is planted as the posterior of that residual code (codes equally likely a priori): layer d's first hidden units carry the
 * residual {@code r = ū - code_0[c_0] - ... - code_(d-1)[c_(d-1)]} (ū the recency-weighted mean of the history's
 * windows, PReLU slopes 1 so the units are linear), later hidden layers pass it on, and the logits are
 * {@code (code_d[c]·r - |code_d[c]|²/2) / v_d}, a Gaussian log-likelihood whose variance {@code v_d} is what the
 * layers below leave. The reranker's user vector is {@code [ū; 1]} and an item's rerank vector
 * {@code [2e; -|e|²]} (the last coordinate is reserved for it), so the rerank score {@code 2ū·e - |e|²} ranks items by
 * their distance to ū: its brute force is the exact nearest items, which the paths' clusters hold.
 *
 * <p>With {@code noise} 0 the model's code vectors are the true centres. Noise moves each of the model's code vectors
 * by {@code noise} times its layer's spread of Gaussian noise, the items staying where they are, as a trained model is
 * only roughly right: a narrow beam then picks wrong prefixes and misses items, and recall against beam width means
 * something, as the tree generator's inner-node noise does for the tree. The items, and so the reranker's brute force,
 * do not depend on the noise.
 */
public final class SyntheticLattice {
    /** Spread of layer d's codes is {@code SPREAD^d}, and items scatter by {@code SPREAD^D} about their path. */
    private static final double SPREAD = 0.6;
    private static final int BLOCK = 4096;

    private SyntheticLattice() {
    }

    /**
     * The default lattice for {@code items} items: the paper's 100 x 3 from a million items up, and below that
     * {@code K = ceil(items^(1/3))} on 3 layers, so that a path holds about J items at every size. A trained model
     * learns which paths are empty and sends no beam there; the planted one cannot (a path's centre is the sum of its
     * codes', empty or not), so a lattice of mostly empty paths would measure the generator, not the search.
     */
    public static LatticeShape shapeFor(int items) {
        return new LatticeShape(Math.clamp((long) Math.ceil(Math.cbrt(items) - 1e-9), LatticeShape.MIN_K, 100), 3);
    }

    /**
     * The items of {@code tree} (their ids, categories and leaf order) on {@code lattice} with {@code paths} (J) paths
     * each and the model of {@link LatticeArchitecture#defaults}; deterministic in {@code seed}.
     *
     * @param noise model noise in units of each layer's code spread, in [0, 100]; 0 for the exact posterior
     */
    public static LatticeIndex alongTree(TreeIndex tree, LatticeShape lattice, int paths, double noise, long seed) {
        if (!(noise >= 0 && noise <= 100)) {
            throw new IllegalArgumentException("lattice model noise must be in [0, 100], got " + noise);
        }
        if (paths < 1 || paths > lattice.k()) {
            throw new IllegalArgumentException("paths per item (J) must be in [1, K = " + lattice.k() + "]: an item's"
                    + " paths share all but their last code, got " + paths);
        }
        LatticeArchitecture arch = LatticeArchitecture.defaults(lattice);
        int dim = arch.embeddingDim(), content = dim - 1, depth = lattice.depth(), k = lattice.k();
        int n = tree.itemIds().length;
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[depth][];
        float[][] believed = new float[depth][];
        for (int d = 0; d < depth; d++) {
            centres[d] = moved(new float[k * dim], k, dim, Math.pow(SPREAD, d), random.split());
            believed[d] = moved(centres[d].clone(), k, dim, noise * Math.pow(SPREAD, d), random.split());
        }
        int[] itemPaths = new int[Math.multiplyExact(Math.multiplyExact(n, paths), depth)];
        float[] itemEmbeddings = new float[Math.multiplyExact(n, dim)];
        float[] rerankEmbeddings = new float[itemEmbeddings.length];
        int[] itemToLeaf = tree.itemToLeaf();
        double keysPerLeaf = (double) lattice.keySpace() / tree.shape().leafCount();
        float scatter = (float) Math.pow(SPREAD, depth);
        IntStream.range(0, (n + BLOCK - 1) / BLOCK).parallel().forEach(block -> {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + block);
            float[] residual = new float[content];
            for (int item = block * BLOCK, end = Math.min(n, item + BLOCK); item < end; item++) {
                long key = Math.min(lattice.keySpace() - 1, (long) ((itemToLeaf[item] + 0.5) * keysPerLeaf));
                int from = item * paths * depth;
                for (int d = 0; d < depth; d++) {
                    itemPaths[from + d] = lattice.code(key, d);
                }
                place(item, itemPaths, from, centres, dim, scatter, r, itemEmbeddings, rerankEmbeddings);
                for (int t = 0; t < content; t++) {
                    residual[t] = itemEmbeddings[item * dim + t];
                    for (int d = 0; d < depth - 1; d++) {
                        residual[t] -= centres[d][itemPaths[from + d] * dim + t];
                    }
                }
                nextNearestLastCodes(residual, centres[depth - 1], k, dim, itemPaths, from, paths, depth);
            }
        });
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source", "synthetic-lattice");
        meta.put("synthetic.items", Integer.toString(n));
        meta.put("synthetic.tree", tree.metadata().getOrDefault("synthetic.seed", "?") + "/b"
                + tree.shape().branching());
        meta.put("synthetic.lattice", k + "x" + depth + ", J " + paths);
        meta.put("synthetic.seed", Long.toString(seed));
        meta.put("synthetic.noise", Double.toString(noise));
        return new LatticeIndex(plantedModel(arch, believed), paths, tree.itemIds(), itemPaths, itemEmbeddings,
                rerankEmbeddings, meta, tree.itemCategories(), tree.categoryNames());
    }

    /** {@code codes}, K vectors of dim floats, moved by N(0, scale^2) on all but the last (reserved) coordinate. */
    private static float[] moved(float[] codes, int k, int dim, double scale, SplittableRandom r) {
        for (int c = 0; c < k && scale > 0; c++) {
            for (int t = 0; t < dim - 1; t++) {
                codes[c * dim + t] += (float) (scale * r.nextGaussian());
            }
        }
        return codes;
    }

    /** The item's behaviour vector e (its first path's centre plus scatter) and its rerank vector {@code [2e; -|e|²]}. */
    private static void place(int item, int[] itemPaths, int from, float[][] centres, int dim, float scatter,
                              SplittableRandom r, float[] itemEmbeddings, float[] rerankEmbeddings) {
        int content = dim - 1, row = item * dim;
        float norm = 0;
        for (int t = 0; t < content; t++) {
            float e = scatter * (float) r.nextGaussian();
            for (int d = 0; d < centres.length; d++) {
                e += centres[d][itemPaths[from + d] * dim + t];
            }
            itemEmbeddings[row + t] = e;
            rerankEmbeddings[row + t] = 2 * e;
            norm += e * e;
        }
        rerankEmbeddings[row + content] = -norm;
    }

    /**
     * Fills paths 1 .. J-1 of the item at {@code from}: its first path's prefix with the last-layer codes nearest to
     * the item's residual, the first path's own last code left out.
     */
    private static void nextNearestLastCodes(float[] residual, float[] last, int k, int dim, int[] itemPaths, int from,
                                             int paths, int depth) {
        int own = itemPaths[from + depth - 1];
        for (int j = 1; j < paths; j++) {
            int best = -1;
            float bestDistance = Float.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                if (c == own || taken(itemPaths, from, j, depth, c)) {
                    continue;
                }
                float distance = 0;
                for (int t = 0; t < residual.length; t++) {
                    float x = residual[t] - last[c * dim + t];
                    distance += x * x;
                }
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = c;
                }
            }
            int to = from + j * depth;
            System.arraycopy(itemPaths, from, itemPaths, to, depth - 1);
            itemPaths[to + depth - 1] = best;
        }
    }

    private static boolean taken(int[] itemPaths, int from, int filled, int depth, int code) {
        for (int j = 1; j < filled; j++) {
            if (itemPaths[from + j * depth + depth - 1] == code) {
                return true;
            }
        }
        return false;
    }

    /** The residual-code posterior of the class comment, over the model's (noisy) code vectors. */
    static LatticeWeights plantedModel(LatticeArchitecture arch, float[][] codes) {
        int dim = arch.embeddingDim(), content = dim - 1, depth = arch.depth(), k = arch.k();
        int[] hidden = arch.layerHidden(), rerank = arch.rerankHidden();
        for (int h : concat(hidden, rerank)) {
            if (h < content) {
                throw new IllegalArgumentException("the planted model needs hidden layers of at least dim - 1 = "
                        + content + " units, got " + h);
            }
        }
        LatticeWeights w = LatticeWeights.zeros(arch);
        float[] recency = recencyWeights(arch.windowCount());
        for (int d = 0; d < depth; d++) {
            System.arraycopy(codes[d], 0, w.tensor(LatticeArchitecture.codeTensor(d)), 0, codes[d].length);
            String p = LatticeArchitecture.layerPrefix(d);
            float[] w0 = w.tensor(p + "mlp0.w");
            int in0 = arch.layerInput(d);
            for (int t = 0; t < content; t++) {
                for (int win = 0; win < recency.length; win++) {
                    w0[t * in0 + win * dim + t] = recency[win];
                }
                for (int l = 0; l < d; l++) {
                    w0[t * in0 + arch.userWidth() + l * dim + t] = -1f;
                }
            }
            passOn(w, p, hidden, content);
            // What the layers below leave: their codes' spreads and the items' scatter, per coordinate.
            double variance = Math.pow(SPREAD, 2 * depth);
            for (int l = d + 1; l < depth; l++) {
                variance += Math.pow(SPREAD, 2 * l);
            }
            float[] out = w.tensor(p + "out.w"), bias = w.tensor(p + "out.b");
            int last = hidden[hidden.length - 1];
            for (int c = 0; c < k; c++) {
                float norm = 0;
                for (int t = 0; t < content; t++) {
                    float x = codes[d][c * dim + t];
                    out[c * last + t] = (float) (x / variance);
                    norm += x * x;
                }
                bias[c] = (float) (-norm / (2 * variance));
            }
        }
        String p = LatticeArchitecture.RERANK_PREFIX;
        float[] w0 = w.tensor(p + "mlp0.w");
        int in0 = arch.userWidth();
        for (int t = 0; t < content; t++) {
            for (int win = 0; win < recency.length; win++) {
                w0[t * in0 + win * dim + t] = recency[win];
            }
        }
        passOn(w, p, rerank, content);
        float[] out = w.tensor(p + "out.w");
        int last = rerank[rerank.length - 1];
        for (int t = 0; t < content; t++) {
            out[t * last + t] = 1f;
        }
        w.tensor(p + "out.b")[content] = 1f;
        return w;
    }

    /** Linear units (PReLU slope 1) everywhere, and identity rows carrying the first {@code content} units on. */
    private static void passOn(LatticeWeights w, String prefix, int[] hidden, int content) {
        for (int i = 0; i < hidden.length; i++) {
            java.util.Arrays.fill(w.tensor(prefix + "mlp" + i + ".alpha"), 1f);
            if (i > 0) {
                float[] wi = w.tensor(prefix + "mlp" + i + ".w");
                for (int t = 0; t < content; t++) {
                    wi[t * hidden[i - 1] + t] = 1f;
                }
            }
        }
    }

    /**
     * Weights of the history's windows, summing to 1 and growing with the window index as the tree generator's do, so
     * that the first hidden units are a weighted mean of the windows' pooled vectors.
     */
    private static float[] recencyWeights(int windows) {
        float[] recency = new float[windows];
        float total = windows * (windows + 1) / 2f;
        for (int i = 0; i < windows; i++) {
            recency[i] = (i + 1) / total;
        }
        return recency;
    }

    private static int[] concat(int[] a, int[] b) {
        return IntStream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray();
    }
}
