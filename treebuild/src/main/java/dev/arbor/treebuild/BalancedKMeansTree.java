package dev.arbor.treebuild;

import dev.arbor.format.TreeShape;
import dev.arbor.progress.ProgressListener;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;

/**
 * Re-clusters items into a tree by recursive balanced k-means on their embeddings (the TDM tree learning step).
 *
 * <p>Working top-down one level at a time, every node's items are split into {@code B} clusters whose sizes are
 * exactly the {@link BalancedLayout} part sizes of its children (see {@code NodeSplitter} for the capacity-
 * constrained assignment), so the result obeys the same balance rule as {@link CategoryTreeInit}. A permutation
 * of item ordinals is reordered in place, each node owning a contiguous range, and is finally laid out by
 * {@link BalancedLayout#itemToLeaf}. The embeddings follow it as column-major node blocks in two buffers of
 * {@code itemCount x dim} floats, written alternately level by level: every node reads one contiguous block,
 * which is what keeps the deep levels in cache (the caller's array is only read, once).
 *
 * <p>Nodes of a level are split in parallel; a node larger than {@link Config#sampleSize()} fits its centroids
 * on a uniform sample of that many items, then assigns all of its items in one pass that is itself parallel.
 * Each node draws from a generator seeded by the configured seed and its node id, and every floating-point
 * reduction has a fixed order, so the result depends neither on the parallelism nor on the vector width.
 */
public final class BalancedKMeansTree {

    /** Inputs at least this large report each level to the progress listener. */
    static final int PROGRESS_MIN_ITEMS = 131_072;
    /** Tasks per thread on one level: node sizes are equal within one, so a few per thread balance the load. */
    private static final int TASKS_PER_THREAD = 4;

    private BalancedKMeansTree() {
    }

    /**
     * Settings of a build.
     *
     * @param iterations  most Lloyd iterations (balanced assignments) per node; a node stops early once its
     *                    assignment repeats
     * @param sampleSize  nodes with more items estimate centroids on a sample of this many items
     * @param parallelism worker threads
     * @param seed        seed of every random choice (sampling, k-means++ seeding)
     */
    public record Config(int iterations, int sampleSize, int parallelism, long seed) {

        public Config {
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
            }
            if (sampleSize < 1) {
                throw new IllegalArgumentException("sampleSize must be >= 1, got " + sampleSize);
            }
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
            }
        }

        /** 10 iterations, samples of 65,536 items, one thread per available processor. */
        public static Config defaults(long seed) {
            return new Config(10, 1 << 16, Runtime.getRuntime().availableProcessors(), seed);
        }

        public Config withParallelism(int threads) {
            return new Config(iterations, sampleSize, threads, seed);
        }
    }

    /** {@link #build(TreeShape, float[], int, Config, ProgressListener)} reporting nothing. */
    public static int[] build(TreeShape shape, float[] embeddings, int dim, Config config) {
        return build(shape, embeddings, dim, config, ProgressListener.SILENT);
    }

    /**
     * Builds the tree; inputs of at least {@value #PROGRESS_MIN_ITEMS} items report each level to {@code progress}.
     * Besides the input it holds two column-major copies of the embeddings and scratch of about 70 bytes per
     * item with 2 threads (a little more with more threads).
     *
     * @param embeddings row-major {@code itemCount x dim} item embeddings, all finite; only read
     * @return the leaf position of each item ordinal, see {@link BalancedLayout#itemToLeaf}
     */
    public static int[] build(TreeShape shape, float[] embeddings, int dim, Config config,
            ProgressListener progress) {
        int n = shape.itemCount();
        int branching = shape.branching();
        if (dim < 1 || (long) n * dim != embeddings.length) {
            throw new IllegalArgumentException("embeddings hold " + embeddings.length + " floats, not " + n
                    + " items x " + dim + " dims");
        }
        if (config.sampleSize() < branching) {
            throw new IllegalArgumentException("sampleSize " + config.sampleSize()
                    + " is smaller than the branching " + branching);
        }
        for (int i = 0; i < embeddings.length; i++) {
            if (!Float.isFinite(embeddings[i])) {
                throw new IllegalArgumentException("embedding of item " + i / dim + " is not finite");
            }
        }
        boolean report = n >= PROGRESS_MIN_ITEMS;
        long started = System.nanoTime();
        int[] sequence = Permutations.identity(n);
        int[] starts = {0, n};
        try (ForkJoinPool pool = new ForkJoinPool(config.parallelism())) {
            ParallelLoop loop = new ParallelLoop(pool);
            float[] blocks = columnMajor(embeddings, n, dim, loop);
            float[] childBlocks = new float[blocks.length];
            // One splitter per task slot, kept across levels: node sizes only shrink, so its scratch still fits.
            NodeSplitter[] splitters = new NodeSplitter[config.parallelism() * TASKS_PER_THREAD];
            for (int level = 0; level < shape.levels() - 1; level++) {
                int nodes = starts.length - 1;
                int largest = 0;
                for (int q = 0; q < nodes; q++) {
                    largest = Math.max(largest, starts[q + 1] - starts[q]);
                }
                if (largest <= branching) {
                    break; // every child gets at most one item: nothing left to cluster
                }
                int firstNode = shape.levelStart(level);
                int tasks = Math.min(nodes, config.parallelism() * TASKS_PER_THREAD);
                int[] bounds = starts;
                int maxNodeSize = largest;
                float[] source = blocks;
                float[] target = childBlocks;
                loop.forEach(tasks, task -> {
                    if (splitters[task] == null) {
                        splitters[task] = new NodeSplitter(dim, branching, sequence, config.iterations(),
                                config.sampleSize(), loop, maxNodeSize);
                    }
                    int qTo = (int) ((long) nodes * (task + 1) / tasks);
                    for (int q = (int) ((long) nodes * task / tasks); q < qTo; q++) {
                        // A node of at most B items is left unwritten: its level is the last one split, since
                        // ceil(n / B^l) <= B + 1 gives every node below at most 2 <= B items.
                        if (bounds[q + 1] - bounds[q] > branching) {
                            splitters[task].split(source, target, bounds[q], bounds[q + 1],
                                    nodeSeed(config.seed(), firstNode + q));
                        }
                    }
                });
                starts = childStarts(starts, branching);
                childBlocks = blocks;
                blocks = target;
                if (report) {
                    progress.message(String.format(Locale.ROOT, "tree k-means: level %d of %d split, %d nodes of"
                                    + " <= %d items, %.1f s", level + 1, shape.levels() - 1, nodes, largest,
                            (System.nanoTime() - started) / 1e9));
                }
            }
        }
        int[] itemToLeaf = BalancedLayout.itemToLeaf(shape, sequence);
        if (report) {
            progress.message(String.format(Locale.ROOT, "tree k-means: %d items placed in %.1f s", n,
                    (System.nanoTime() - started) / 1e9));
        }
        return itemToLeaf;
    }

    /** The root's block: the embeddings transposed, padded since the kernels read whole vectors past its end. */
    private static float[] columnMajor(float[] embeddings, int n, int dim, ParallelLoop loop) {
        float[] block = new float[embeddings.length + ColumnKernels.LANES];
        int chunk = 1 << 16;
        loop.forEach((n + chunk - 1) / chunk, c -> {
            for (int i = c * chunk; i < Math.min(n, (c + 1) * chunk); i++) {
                for (int k = 0; k < dim; k++) {
                    block[k * n + i] = embeddings[i * dim + k];
                }
            }
        });
        return block;
    }

    private static int[] childStarts(int[] starts, int branching) {
        int nodes = starts.length - 1;
        int[] child = new int[nodes * branching + 1];
        for (int q = 0; q < nodes; q++) {
            int size = starts[q + 1] - starts[q];
            for (int i = 0; i < branching; i++) {
                child[q * branching + i] = starts[q] + BalancedLayout.partStart(size, branching, i);
            }
        }
        child[nodes * branching] = starts[nodes];
        return child;
    }

    /** SplitMix64 finaliser of seed and node: unrelated streams for neighbouring nodes. */
    public static long nodeSeed(long seed, int node) {
        long z = seed + (node + 1L) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
