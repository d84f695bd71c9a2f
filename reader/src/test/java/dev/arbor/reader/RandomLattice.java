package dev.arbor.reader;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeIndex;
import dev.arbor.format.LatticeShape;
import dev.arbor.format.LatticeWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random lattice indexes for the reader's tests: each item gets 1 to J distinct random paths (so many have fewer than
 * J), sparse ids of both signs, random categories (some items without one), gaussian embeddings and weights; the seed
 * is kept as the property {@code random.seed}.
 */
final class RandomLattice {
    /** A small model with every tensor kind: 3 layers of 6 codes, dim 4, two hidden layers per layer, a reranker. */
    static final LatticeArchitecture MODEL = new LatticeArchitecture(new LatticeShape(6, 3), 4, new int[] {2, 1},
            new int[] {8, 5}, new int[] {6});
    /** {@link #MODEL} with the history layout's windows, which a served model must read (BehaviourWindows). */
    static final LatticeArchitecture SERVED_MODEL = new LatticeArchitecture(MODEL.lattice(), 4, BehaviourWindows.sizes(),
            new int[] {8, 5}, new int[] {6});
    static final int PATHS_PER_ITEM = 3;
    static final int CATEGORIES = 5;

    private RandomLattice() {
    }

    /** {@code items} items over {@link #MODEL}, J = {@value #PATHS_PER_ITEM}, with categories. */
    static LatticeIndex generate(int items, long seed) {
        return generate(MODEL, PATHS_PER_ITEM, items, seed, CATEGORIES);
    }

    /** {@code items} items over {@link #SERVED_MODEL}, J = {@value #PATHS_PER_ITEM}, with categories: a lattice to search. */
    static LatticeIndex servable(int items, long seed) {
        return generate(SERVED_MODEL, PATHS_PER_ITEM, items, seed, CATEGORIES);
    }

    /** Item {@code i}'s id: sparse, and negative for odd ordinals, so that id order is not ordinal order. */
    static long itemId(int ordinal) {
        return (ordinal % 2 == 0 ? 1 : -1) * (1_000_003L * ordinal + 17);
    }

    static LatticeIndex generate(LatticeArchitecture arch, int paths, int items, long seed, int categories) {
        SplittableRandom r = new SplittableRandom(seed);
        LatticeShape lattice = arch.lattice();
        int depth = lattice.depth();
        long maxDistinct = Math.min(paths, lattice.keySpace());
        int[] codes = new int[items * paths * depth];
        Arrays.fill(codes, LatticeShape.NO_PATH);
        long[] ids = new long[items];
        int[] itemCategories = new int[items];
        for (int i = 0; i < items; i++) {
            ids[i] = itemId(i);
            itemCategories[i] = categories == 0 ? -1 : r.nextInt(-1, categories);
            int used = 1 + r.nextInt((int) maxDistinct);
            Set<List<Integer>> seen = new HashSet<>();
            for (int j = 0; j < used; ) {
                List<Integer> path = new ArrayList<>();
                for (int d = 0; d < depth; d++) {
                    path.add(r.nextInt(lattice.k()));
                }
                if (seen.add(path)) {
                    for (int d = 0; d < depth; d++) {
                        codes[(i * paths + j) * depth + d] = path.get(d);
                    }
                    j++;
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < categories; c++) {
            names.add("c" + c);
        }
        int dim = arch.embeddingDim();
        return new LatticeIndex(LatticeWeights.gaussian(arch, 0.5, seed), paths, ids, codes, gaussian(r, items * dim),
                gaussian(r, items * dim), Map.of("source", "random lattice", "random.seed",
                Long.toString(seed)), itemCategories, names);
    }

    private static float[] gaussian(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
