package dev.arbor.train.tree;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Splits the items of one node into {@code B} groups of exactly the {@link BalancedLayout#partSize} sizes by
 * balanced k-means, reordering the node's range of the shared item sequence so that group {@code j} becomes
 * the part of child {@code j}.
 *
 * <p>The embedding rows travel with the sequence: {@code rows} holds the row of {@code sequence[i]} at position
 * {@code i}, and the split writes the node's rows in their new order to the same range of {@code reordered}.
 * Every node therefore reads one contiguous block, and deep nodes work entirely in cache.
 *
 * <p>Centroids start with k-means++ and are refined by Lloyd iterations in which every assignment is the
 * balanced one of {@link #assign}. Nodes larger than the sample size estimate their centroids on a uniform
 * sample and assign all their items once at the end. An instance holds scratch for nodes up to a given size
 * and is used by one task at a time; distinct instances may work on disjoint ranges of the sequence at once.
 */
final class NodeSplitter {

    /** Items per tile: a power of two whose transposed rows ({@code dim x TILE} floats) stay in L1. */
    static final int TILE = 256;
    /** Pending items per parallel scoring task, used only when one node is large enough to share the pool. */
    private static final int PARALLEL_CHUNK = 64 * TILE;
    private static final int PAD = ColumnKernels.LANES;

    private final float[] rows;
    private final float[] reordered;
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
    private final int[] sampleTarget;
    private final int[] nodeTarget;
    private final int[] bucketStart;
    private final Tile tile;
    private final float[] partialSums;

    /**
     * The working set (the node, or its sample) copied column-major, {@code work[k * workSize + p]}, so that
     * the kernels run across items; padded for whole-vector loops.
     */
    private final float[] work;
    private int workSize;
    private int from;

    // Per position in the node (0 .. size-1); "previous" only spans the working set.
    private final int[] labels;
    private final int[] previous;
    private final int[] best;
    private final float[] regret;
    private final int[] pending;
    private final int[] scratch;

    NodeSplitter(float[] rows, float[] reordered, int dim, int branching, int[] sequence, int iterations,
                 int sampleSize, ParallelLoop loop, int maxNodeSize) {
        this.rows = rows;
        this.reordered = reordered;
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
        sampleTarget = new int[branching];
        nodeTarget = new int[branching];
        bucketStart = new int[branching + 1];
        tile = new Tile(dim);
        partialSums = new float[branching * dim * TILE];
        int maxWork = Math.min(maxNodeSize, sampleSize);
        work = new float[maxWork * dim + PAD];
        labels = new int[maxNodeSize + PAD];
        previous = new int[maxWork];
        best = new int[maxNodeSize];
        regret = new float[maxNodeSize + PAD];
        pending = new int[maxNodeSize];
        scratch = new int[maxNodeSize];
    }

    /** Splits {@code sequence[from, to)}, which must hold more than {@code B} items, using a node-specific seed. */
    void split(int from, int to, long seed) {
        this.from = from;
        int n = to - from;
        SplittableRandom random = new SplittableRandom(seed);
        int m = Math.min(n, sampleSize);
        loadWork(n, m, random);
        targets(m, sampleTarget);
        seedCentroids(random);
        for (int iteration = 1; ; iteration++) {
            assign(m, sampleTarget, true);
            boolean converged = iteration > 1 && Arrays.equals(labels, 0, m, previous, 0, m);
            if (converged || iteration >= iterations) {
                break;
            }
            updateCentroids(sampleTarget);
            System.arraycopy(labels, 0, previous, 0, m);
        }
        targets(n, nodeTarget);
        if (m < n) {
            updateCentroids(sampleTarget);
            assign(n, nodeTarget, false);
        }
        // Stable counting sort of the range by label: group j lands where child j's part starts.
        int[] fill = counts;
        for (int j = 0; j < branching; j++) {
            fill[j] = BalancedLayout.partStart(n, branching, j);
        }
        for (int p = 0; p < n; p++) {
            int q = fill[labels[p]]++;
            scratch[q] = sequence[from + p];
            System.arraycopy(rows, (from + p) * dim, reordered, (from + q) * dim, dim);
        }
        System.arraycopy(scratch, 0, sequence, from, n);
    }

    /** Copies the node's rows, or a uniform sample of {@code m} of them, into the working set. */
    private void loadWork(int n, int m, SplittableRandom random) {
        workSize = m;
        if (m < n) {
            for (int p = 0; p < n; p++) {
                scratch[p] = p;
            }
            Permutations.sampleToFront(scratch, 0, n, m, random);
        }
        for (int i = 0; i < m; i++) {
            int row = (from + (m < n ? scratch[i] : i)) * dim;
            for (int k = 0; k < dim; k++) {
                work[k * m + i] = rows[row + k];
            }
        }
    }

    private void targets(int count, int[] target) {
        for (int j = 0; j < branching; j++) {
            target[j] = BalancedLayout.partSize(count, branching, j);
        }
    }

    /** k-means++ seeding on the working set. */
    private void seedCentroids(SplittableRandom random) {
        int m = workSize;
        float[] nearest = regret; // free until the first assignment
        Arrays.fill(nearest, 0, m, Float.POSITIVE_INFINITY);
        int pick = random.nextInt(m);
        for (int j = 0; j < branching; j++) {
            for (int k = 0; k < dim; k++) {
                centroids[j * dim + k] = work[k * m + pick];
            }
            if (j + 1 == branching) {
                break;
            }
            ColumnKernels.lowerSquaredDistance(work, m, m, dim, centroids, j * dim, nearest);
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

    /** Moves every centroid to the mean of its working-set items; cluster j holds exactly target[j] of them. */
    private void updateCentroids(int[] target) {
        ColumnKernels.clusterSums(work, workSize, workSize, dim, labels, branching, TILE, partialSums, centroids);
        for (int j = 0; j < branching; j++) {
            // Balanced targets are all positive (m >= B), so no cluster is ever empty.
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
     * Assigns the first {@code m} items of the node to clusters so that cluster {@code j} receives exactly
     * {@code target[j]} items. Each round, every unassigned item proposes to its nearest open cluster; a cluster
     * with more proposals than room keeps those whose second choice is worst (largest regret), rejects the
     * rest and closes. Every round with a rejection closes a cluster, so there are at most {@code B} rounds.
     * For {@code B = 2} this is the exact optimum: a threshold on the difference of the two distances.
     *
     * @param fromWork whether the items are the working set (else the whole node, read from its rows)
     */
    private void assign(int m, int[] target, boolean fromWork) {
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
            score(pendingCount, fromWork, firstRound);
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
                if (accepted < hi - lo) {
                    selectLargest(scratch, lo, hi, accepted, regret);
                }
                for (int i = lo; i < lo + accepted; i++) {
                    labels[scratch[i]] = j;
                }
                for (int i = lo + accepted; i < hi; i++) {
                    pending[rejected++] = scratch[i];
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

    /** Sets {@code best} and {@code regret} of the pending items against the open clusters. */
    private void score(int pendingCount, boolean fromWork, boolean inOrder) {
        if (pendingCount < 2 * PARALLEL_CHUNK || loop.parallelism() == 1) {
            scoreRange(0, pendingCount, fromWork, inOrder, tile);
            return;
        }
        int chunks = (pendingCount + PARALLEL_CHUNK - 1) / PARALLEL_CHUNK;
        loop.forEach(chunks, c -> scoreRange(c * PARALLEL_CHUNK, Math.min(pendingCount, (c + 1) * PARALLEL_CHUNK),
                fromWork, inOrder, new Tile(dim)));
    }

    /**
     * Scores {@code pending[lo, hi)} tile by tile.
     *
     * @param inOrder whether {@code pending[i] == i}, so that working-set columns serve as the tile unchanged
     */
    private void scoreRange(int lo, int hi, boolean fromWork, boolean inOrder, Tile t) {
        for (int base = lo; base < hi; base += TILE) {
            int len = Math.min(TILE, hi - base);
            if (fromWork && inOrder) {
                ColumnKernels.nearestTwo(work, base, workSize, len, dim, scaledCentroids, centroidNorms, open,
                        t.first, t.second, t.nearest);
            } else {
                gather(base, len, fromWork, t.rows);
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

    /** Copies the rows of {@code pending[base, base+len)} into a transposed tile. */
    private void gather(int base, int len, boolean fromWork, float[] x) {
        for (int r = 0; r < len; r++) {
            int p = pending[base + r];
            if (fromWork) {
                for (int k = 0; k < dim; k++) {
                    x[k * TILE + r] = work[k * workSize + p];
                }
            } else {
                int row = (from + p) * dim;
                for (int k = 0; k < dim; k++) {
                    x[k * TILE + r] = rows[row + k];
                }
            }
        }
    }

    /** Reorders {@code a[lo, hi)} so that its first {@code k} entries have the largest {@code key[a[i]]}. */
    static void selectLargest(int[] a, int lo, int hi, int k, float[] key) {
        int target = lo + k;
        int left = lo;
        int right = hi - 1;
        while (left < right) {
            int mid = (left + right) >>> 1;
            float pivot = median(key[a[left]], key[a[mid]], key[a[right]]);
            int i = left;
            int j = right;
            while (i <= j) {
                while (key[a[i]] > pivot) {
                    i++;
                }
                while (key[a[j]] < pivot) {
                    j--;
                }
                if (i <= j) {
                    Permutations.swap(a, i++, j--);
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

    private static float median(float a, float b, float c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /** Per-task tile buffers: transposed rows and, per item, the scores of the two nearest clusters. */
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
