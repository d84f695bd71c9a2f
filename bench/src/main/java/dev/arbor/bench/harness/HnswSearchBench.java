package dev.arbor.bench.harness;

import dev.arbor.bench.harness.BenchResults.SearchRow;
import dev.arbor.reader.TreeSegment;
import io.github.jbellis.jvector.util.Bits;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The HNSW rows of {@code arbor bench --hnsw}: the synthetic index's item vectors (its leaf embeddings) in jvector's
 * graph, queried with each query history's mean item vector, as a two-tower's pooled user vector would be. Recall is
 * against the exact inner-product top K of the same vectors, as the tree's is against its own brute force: each index
 * against its own exact answer, so that the two compare on speed at equal recall.
 */
final class HnswSearchBench {
    static final String MODEL = "hnsw";
    /** A returned item within this relative distance of the k-th best exact score counts as found. */
    static final float TIE_TOLERANCE = 1e-3f;

    private HnswSearchBench() {
    }

    static List<SearchRow> run(BenchConfig config, TreeSegment segment, long[][] histories, int recallQueries,
                               PrintWriter progress) {
        int n = segment.itemCount();
        int dim = segment.architecture().embeddingDim();
        float[] items = itemVectors(segment, dim);
        float[][] queries = new float[histories.length][];
        for (int q = 0; q < histories.length; q++) {
            queries[q] = meanVector(segment, items, dim, histories[q]);
        }
        long t = System.nanoTime();
        HnswIndex index = HnswIndex.build(items, n, dim, HnswIndex.Options.DEFAULTS);
        progress.printf("  HNSW graph over %,d item vectors built in %.1f s%n", n, (System.nanoTime() - t) / 1e9).flush();
        int[][] truth = new int[Math.min(recallQueries, queries.length)][];
        for (int q = 0; q < truth.length; q++) {
            truth[q] = exactTop(items, n, dim, queries[q], config.k());
        }
        List<SearchRow> rows = new ArrayList<>();
        for (int ef : config.hnswBeams()) {
            // As the tree's rows: a beam narrower than K is measured at K = beam.
            int k = Math.min(config.k(), ef);
            double[] recall = recall(index, items, dim, queries, truth, k, ef);
            for (int threads : config.threads()) {
                Timing.Samples s = Timing.measure(threads, config.seconds(), thread -> {
                    HnswIndex.Searcher searcher = index.newSearcher();
                    int[] out = new int[k];
                    return i -> searcher.search(queries[i % config.queries()], k, ef, Bits.ALL, out);
                });
                rows.add(new SearchRow(n, MODEL, ef, k, threads, s.count(), s.meanMs(), s.percentileMs(0.5),
                        s.percentileMs(0.99), s.percentileMs(0.999), s.perSecond(), recall[0], truth.length, 0, 0, 0, 0, Double.NaN));
                progress.printf("  HNSW efSearch %4d, %d thread%s: recall@%d %.3f (exact ids %.3f)  p50 %.2f ms  p99 %.2f ms"
                        + "  %.0f QPS%n", ef, threads, threads == 1 ? " " : "s", k, recall[0], recall[1],
                        s.percentileMs(0.5), s.percentileMs(0.99), s.perSecond()).flush();
            }
        }
        return rows;
    }

    /** Row {@code i} is item ordinal i's leaf embedding. */
    private static float[] itemVectors(TreeSegment segment, int dim) {
        MemorySegment embeddings = segment.embeddings();
        float[] rows = new float[segment.itemCount() * dim];
        for (int i = 0; i < segment.itemCount(); i++) {
            long node = segment.shape().leafNode(segment.leafOf(i));
            MemorySegment.copy(embeddings, ValueLayout.JAVA_FLOAT_UNALIGNED, node * dim * Float.BYTES, rows, i * dim, dim);
        }
        return rows;
    }

    private static float[] meanVector(TreeSegment segment, float[] items, int dim, long[] history) {
        float[] mean = new float[dim];
        for (long id : history) {
            int item = segment.ordinalOf(id);
            for (int j = 0; j < dim; j++) {
                mean[j] += items[item * dim + j] / history.length;
            }
        }
        return mean;
    }

    /**
     * The exact inner-product top K, best first (entries are {score, ordinal}: ordinals below 2^24 are exact as
     * floats).
     */
    static int[] exactTop(float[] items, int n, int dim, float[] q, int k) {
        PriorityQueue<float[]> top = new PriorityQueue<>((a, b) -> Float.compare(a[0], b[0]));
        for (int i = 0; i < n; i++) {
            float s = dot(items, i, dim, q);
            if (top.size() < k) {
                top.add(new float[] {s, i});
            } else if (s > top.peek()[0]) {
                top.poll();
                top.add(new float[] {s, i});
            }
        }
        int[] best = new int[top.size()];
        for (int i = best.length - 1; i >= 0; i--) {
            best[i] = (int) top.poll()[1];
        }
        return best;
    }

    private static float dot(float[] items, int item, int dim, float[] q) {
        float s = 0;
        for (int j = 0; j < dim; j++) {
            s += q[j] * items[item * dim + j];
        }
        return s;
    }

    /**
     * Mean recall@k over the queries with truth: {tie-aware, exact ids}. Tie-aware counts a returned item whose exact
     * score is within {@value #TIE_TOLERANCE} (relative) of the k-th best score, as ann-benchmarks counts a neighbour
     * within 1e-3 of the k-th distance: the synthetic leaves of one deep subtree are near-duplicates, so which of the
     * tied items are "the" top K is decided by float rounding, and exact-id recall would punish any approximate index
     * for it.
     */
    static double[] recall(HnswIndex index, float[] items, int dim, float[][] queries, int[][] truth, int k, int ef) {
        HnswIndex.Searcher searcher = index.newSearcher();
        int[] out = new int[k];
        double tieAware = 0, exactIds = 0;
        for (int q = 0; q < truth.length; q++) {
            int found = searcher.search(queries[q], k, ef, Bits.ALL, out);
            int kq = Math.min(k, truth[q].length);
            BitSet exact = new BitSet();
            for (int i = 0; i < kq; i++) {
                exact.set(truth[q][i]);
            }
            float kth = dot(items, truth[q][kq - 1], dim, queries[q]);
            float threshold = kth - TIE_TOLERANCE * Math.abs(kth);
            int hits = 0, within = 0;
            for (int i = 0; i < found; i++) {
                hits += exact.get(out[i]) ? 1 : 0;
                within += dot(items, out[i], dim, queries[q]) >= threshold ? 1 : 0;
            }
            tieAware += (double) Math.min(within, kq) / kq;
            exactIds += (double) hits / kq;
        }
        return truth.length == 0 ? new double[] {Double.NaN, Double.NaN}
                : new double[] {tieAware / truth.length, exactIds / truth.length};
    }
}
