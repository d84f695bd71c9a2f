package dev.arbor.treebuild;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Splits the items of one node into {@code B} groups of exactly the {@link BalancedLayout#partSize} sizes by
 * balanced k-means, reordering the node's range of the shared item sequence so that group {@code j} becomes
 * the part of child {@code j}.
 *
 * <p>The embeddings travel with the sequence as column-major blocks: a node holding sequence positions
 * {@code [from, to)} keeps dimension {@code k} of its {@code i}-th item at {@code blocks[from*dim + k*(to-from) + i]}.
 * The kernels read a node's block in place, running across items, and the split writes each child's block to
 * the same range of the other buffer; every node thus reads one contiguous block, and deep ones stay in cache.
 *
 * <p>Centroids start with k-means++ and are refined by Lloyd iterations in which every assignment is the
 * balanced one of {@link #assign}. A node larger than the sample size estimates its centroids on a uniform
 * sample (copied into a block of its own) and assigns all its items once at the end. An instance holds scratch
 * for nodes up to a given size and serves one task at a time, level after level; instances may split disjoint
 * ranges at once.
 */
final class NodeSplitter {

    /** Items per tile: a power of two whose gathered columns ({@code dim x TILE} floats) stay in L1. */
    static final int TILE = 256;
    /** Pending items per parallel scoring task, used only when one node is large enough to share the pool. */
    private static final int PARALLEL_CHUNK = 64 * TILE;

    private final int dim;
    private final int branching;
    private final int[] sequence;
    private final int iterations;
    private final int sampleSize;
    private final ParallelLoop loop;

    private final float[] centroids;
    /** {@code -2 * centroids}, and the squared norms: the two terms of a score. */
    private final float[] scaledCentroids;
    private final float[] centroidNorms;
    private final int[] counts;
    private final int[] room;
    private final boolean[] open;
    private final int[] workTarget;
    private final int[] nodeTarget;
    private final int[] bucketStart;
    private final Tile tile;
    private final float[] partialSums;
    private final float[] workTotals;
    /** The sample of a large node as a block of its own (padded for whole-vector loops); null if never needed. */
    private final float[] sample;

    // Per position in the node (0 .. size-1); "previous" only spans the working set (the sample or the node).
    private final int[] labels;
    private final int[] previous;
    private final int[] best;
    private final float[] regret;
    private final int[] pending;
    private final int[] scratch;
    private final long[] candidates;

    NodeSplitter(int dim, int branching, int[] sequence, int iterations, int sampleSize, ParallelLoop loop,
                 int maxNodeSize) {
        this.dim = dim;
        this.branching = branching;
        this.sequence = sequence;
        this.iterations = iterations;
        this.sampleSize = sampleSize;
        this.loop = loop;
        centroids = new float[branching * dim];
        scaledCentroids = new float[branching * dim];
        centroidNorms = new float[branching];
        counts = new int[branching];
        room = new int[branching];
        open = new boolean[branching];
        workTarget = new int[branching];
        nodeTarget = new int[branching];
        bucketStart = new int[branching + 1];
        tile = new Tile(dim);
        partialSums = new float[branching * dim * TILE];
        workTotals = new float[dim];
        int maxWork = Math.min(maxNodeSize, sampleSize);
        sample = maxNodeSize > sampleSize ? new float[sampleSize * dim + ColumnKernels.LANES] : null;
        labels = new int[maxNodeSize + ColumnKernels.LANES];
        previous = new int[maxWork];
        best = new int[maxNodeSize];
        regret = new float[maxNodeSize + ColumnKernels.LANES];
        pending = new int[maxNodeSize];
        scratch = new int[maxNodeSize];
        candidates = new long[maxNodeSize];
    }

    /**
     * Splits {@code sequence[from, to)}, which must hold more than {@code B} and at most {@code maxNodeSize}
     * items, reading its block from {@code blocks} and writing its children's to {@code childBlocks}.
     */
    void split(float[] blocks, float[] childBlocks, int from, int to, long seed) {
        int n = to - from;
        Block node = new Block(blocks, from * dim, n);
        SplittableRandom random = new SplittableRandom(seed);
        Block work = n > sampleSize ? sample(node, random) : node;
        int m = work.count;
        targets(m, workTarget);
        ColumnKernels.columnSums(work.data, work.offset, work.count, m, dim, TILE, partialSums, workTotals);
        seedCentroids(work, random);
        for (int iteration = 1; ; iteration++) {
            assign(work, workTarget);
            boolean converged = iteration > 1 && Arrays.equals(labels, 0, m, previous, 0, m);
            if (converged || iteration >= iterations) {
                break;
            }
            updateCentroids(work, workTarget);
            System.arraycopy(labels, 0, previous, 0, m);
        }
        targets(n, nodeTarget);
        if (work != node) {
            updateCentroids(work, workTarget);
            assign(node, nodeTarget);
        }
        writeChildren(from, node, childBlocks);
    }

    /**
     * Reorders the node's sequence range and writes its children's blocks: group j, in position order, becomes
     * child j.
     */
    private void writeChildren(int from, Block node, float[] childBlocks) {
        int n = node.count;
        // order[new position] = old position: a stable counting sort by label.
        int[] order = scratch;
        int[] fill = counts;
        for (int j = 0; j < branching; j++) {
            fill[j] = BalancedLayout.partStart(n, branching, j);
        }
        for (int p = 0; p < n; p++) {
            order[fill[labels[p]]++] = p;
        }
        for (int j = 0; j < branching; j++) {
            int start = BalancedLayout.partStart(n, branching, j);
            int size = nodeTarget[j];
            for (int k = 0; k < dim; k++) {
                // A scalar gather: masked vector gathers are not intrinsified for the short columns of deep nodes.
                int column = node.offset + k * n;
                int childColumn = (from + start) * dim + k * size;
                for (int i = 0; i < size; i++) {
                    childBlocks[childColumn + i] = node.data[column + order[start + i]];
                }
            }
        }
        int[] reordered = pending; // free once the assignment is done
        for (int i = 0; i < n; i++) {
            reordered[i] = sequence[from + order[i]];
        }
        System.arraycopy(reordered, 0, sequence, from, n);
    }

    /** Copies a uniform sample of {@code sampleSize} of the node's items into the sample block. */
    private Block sample(Block node, SplittableRandom random) {
        int n = node.count;
        int m = sampleSize;
        for (int p = 0; p < n; p++) {
            scratch[p] = p;
        }
        Permutations.sampleToFront(scratch, 0, n, m, random);
        for (int k = 0; k < dim; k++) {
            int column = node.offset + k * n;
            for (int i = 0; i < m; i++) {
                sample[k * m + i] = node.data[column + scratch[i]];
            }
        }
        return new Block(sample, 0, m);
    }

    private void targets(int count, int[] target) {
        for (int j = 0; j < branching; j++) {
            target[j] = BalancedLayout.partSize(count, branching, j);
        }
    }

    /** k-means++ seeding. */
    private void seedCentroids(Block work, SplittableRandom random) {
        int m = work.count;
        float[] nearest = regret; // free until the first assignment
        Arrays.fill(nearest, 0, m, Float.POSITIVE_INFINITY);
        int pick = random.nextInt(m);
        for (int j = 0; j < branching; j++) {
            for (int k = 0; k < dim; k++) {
                centroids[j * dim + k] = work.data[work.offset + k * m + pick];
            }
            if (j + 1 == branching) {
                break;
            }
            ColumnKernels.lowerSquaredDistance(work.data, work.offset, m, m, dim, centroids, j * dim, nearest);
            double total = 0;
            for (int p = 0; p < m; p++) {
                total += nearest[p];
            }
            pick = total > 0 ? weightedPick(nearest, m, random.nextDouble() * total) : random.nextInt(m);
        }
        prepareScores();
    }

    private static int weightedPick(float[] weight, int m, double threshold) {
        double cumulative = 0;
        int lastPositive = 0;
        for (int p = 0; p < m; p++) {
            if (weight[p] > 0) {
                cumulative += weight[p];
                lastPositive = p;
                if (cumulative > threshold) {
                    return p;
                }
            }
        }
        return lastPositive; // rounding left the threshold just above the sum
    }

    /** Moves every centroid to the mean of its items; cluster j holds exactly target[j] of them. */
    private void updateCentroids(Block work, int[] target) {
        ColumnKernels.clusterSums(work.data, work.offset, work.count, work.count, dim, labels, branching,
                workTotals, TILE, partialSums, centroids);
        for (int j = 0; j < branching; j++) {
            // Balanced targets are all positive (count >= B), so no cluster is ever empty.
            float inverse = 1f / target[j];
            for (int k = 0; k < dim; k++) {
                centroids[j * dim + k] *= inverse;
            }
        }
        prepareScores();
    }

    private void prepareScores() {
        for (int j = 0; j < branching; j++) {
            float norm = 0;
            for (int k = 0; k < dim; k++) {
                float c = centroids[j * dim + k];
                scaledCentroids[j * dim + k] = -2f * c;
                norm += c * c;
            }
            centroidNorms[j] = norm;
        }
    }

    /**
     * Labels the block's items with clusters so that cluster {@code j} receives exactly {@code target[j]} items.
     * Each round, every unassigned item proposes to its nearest open cluster; a cluster with more proposals
     * than room keeps those whose second choice is worst (largest regret), rejects the rest and closes. Every
     * round with a rejection closes a cluster, so there are at most {@code B} rounds. For {@code B = 2} this is
     * the exact optimum: a threshold on the difference of the two distances.
     */
    private void assign(Block items, int[] target) {
        int m = items.count;
        int openCount = 0;
        for (int j = 0; j < branching; j++) {
            room[j] = target[j];
            open[j] = room[j] > 0;
            openCount += open[j] ? 1 : 0;
        }
        for (int p = 0; p < m; p++) {
            pending[p] = p;
        }
        int pendingCount = m;
        boolean firstRound = true;
        while (pendingCount > 0) {
            if (openCount == 1) {
                // The rooms of the open clusters always add up to the pending count.
                int last = 0;
                while (!open[last]) {
                    last++;
                }
                for (int i = 0; i < pendingCount; i++) {
                    labels[pending[i]] = last;
                }
                return;
            }
            score(items, pendingCount, firstRound);
            firstRound = false;
            Arrays.fill(bucketStart, 0);
            for (int i = 0; i < pendingCount; i++) {
                bucketStart[best[pending[i]] + 1]++;
            }
            for (int j = 0; j < branching; j++) {
                bucketStart[j + 1] += bucketStart[j];
            }
            int[] fill = counts;
            System.arraycopy(bucketStart, 0, fill, 0, branching);
            for (int i = 0; i < pendingCount; i++) {
                int p = pending[i];
                scratch[fill[best[p]]++] = p;
            }
            int rejected = 0;
            for (int j = 0; j < branching; j++) {
                int lo = bucketStart[j];
                int hi = bucketStart[j + 1];
                if (lo == hi) {
                    continue;
                }
                int accepted = Math.min(hi - lo, room[j]);
                if (accepted == hi - lo) {
                    for (int i = lo; i < hi; i++) {
                        labels[scratch[i]] = j;
                    }
                } else {
                    // Regrets are non-negative, so their bits order like them; the position breaks ties.
                    for (int i = lo; i < hi; i++) {
                        int p = scratch[i];
                        candidates[i] = (long) Float.floatToRawIntBits(regret[p]) << 32 | p;
                    }
                    selectLargest(candidates, lo, hi, accepted);
                    for (int i = lo; i < lo + accepted; i++) {
                        labels[(int) candidates[i]] = j;
                    }
                    for (int i = lo + accepted; i < hi; i++) {
                        pending[rejected++] = (int) candidates[i];
                    }
                }
                room[j] -= accepted;
                if (room[j] == 0) {
                    open[j] = false;
                    openCount--;
                }
            }
            pendingCount = rejected;
        }
    }

    /**
     * Sets {@code best} and {@code regret} of the pending items against the open clusters.
     *
     * @param inOrder whether {@code pending[i] == i} (the first round), so that the block serves as tiles as is
     */
    private void score(Block items, int pendingCount, boolean inOrder) {
        if (pendingCount < 2 * PARALLEL_CHUNK || loop.parallelism() == 1) {
            scoreRange(items, 0, pendingCount, inOrder, tile);
            return;
        }
        int chunks = (pendingCount + PARALLEL_CHUNK - 1) / PARALLEL_CHUNK;
        loop.forEach(chunks, c -> scoreRange(items, c * PARALLEL_CHUNK,
                Math.min(pendingCount, (c + 1) * PARALLEL_CHUNK), inOrder, new Tile(dim)));
    }

    private void scoreRange(Block items, int lo, int hi, boolean inOrder, Tile t) {
        for (int base = lo; base < hi; base += TILE) {
            int len = Math.min(TILE, hi - base);
            if (inOrder) {
                ColumnKernels.nearestTwo(items.data, items.offset + base, items.count, len, dim, scaledCentroids,
                        centroidNorms, open, t.first, t.second, t.nearest);
            } else {
                for (int r = 0; r < len; r++) {
                    int p = items.offset + pending[base + r];
                    for (int k = 0; k < dim; k++) {
                        t.rows[k * TILE + r] = items.data[p + k * items.count];
                    }
                }
                ColumnKernels.nearestTwo(t.rows, 0, TILE, len, dim, scaledCentroids, centroidNorms, open,
                        t.first, t.second, t.nearest);
            }
            for (int r = 0; r < len; r++) {
                int p = pending[base + r];
                best[p] = t.nearest[r];
                regret[p] = t.second[r] - t.first[r];
            }
        }
    }

    /** Reorders {@code a[lo, hi)} so that its first {@code k} entries are its {@code k} largest. */
    static void selectLargest(long[] a, int lo, int hi, int k) {
        int target = lo + k;
        int left = lo;
        int right = hi - 1;
        while (left < right) {
            int mid = (left + right) >>> 1;
            long pivot = median(a[left], a[mid], a[right]);
            int i = left;
            int j = right;
            while (i <= j) {
                while (a[i] > pivot) {
                    i++;
                }
                while (a[j] < pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            // Now a[left..j] >= pivot >= a[i..right], and entries strictly between j and i equal the pivot.
            if (target <= j) {
                right = j;
            } else if (target >= i) {
                left = i;
            } else {
                return;
            }
        }
    }

    private static long median(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /** A column-major block of {@code count} items starting at {@code offset} in {@code data}. */
    private record Block(float[] data, int offset, int count) {
    }

    /** Per-task tile buffers: gathered columns and, per item, the scores of the two nearest clusters. */
    private static final class Tile {
        final float[] rows;
        final float[] first = new float[TILE];
        final float[] second = new float[TILE];
        final int[] nearest = new int[TILE];

        Tile(int dim) {
            rows = new float[dim * TILE];
        }
    }
}
