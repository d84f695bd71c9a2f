package dev.arbor.lattice;

import java.util.Arrays;

/**
 * How an assignment spreads items over paths: the sizes {@code |c|} (items on path {@code c}) of the paths that hold
 * any item. Quantiles are nearest-rank over those paths. The largest path bounds the reranking's work per path, which
 * the penalty {@code α} is there to control (the paper's Table 5).
 *
 * @param paths      paths holding at least one item
 * @param largest    the most items on one path
 * @param mean       items per non-empty path
 * @param median     the 50th percentile of the non-empty paths' sizes
 * @param p90        the 90th percentile
 * @param p99        the 99th percentile
 * @param shortItems items given fewer than J paths because they had fewer candidates (no samples: none)
 */
public record PathSizes(int paths, int largest, double mean, int median, int p90, int p99, int shortItems) {

    /** The report for the non-empty paths' {@code sizes} (reordered here) and the count of short items. */
    public static PathSizes of(int[] sizes, int shortItems) {
        Arrays.sort(sizes);
        long total = 0;
        for (int size : sizes) {
            total += size;
        }
        int n = sizes.length;
        return new PathSizes(n, n == 0 ? 0 : sizes[n - 1], n == 0 ? 0 : (double) total / n,
                quantile(sizes, 0.5), quantile(sizes, 0.9), quantile(sizes, 0.99), shortItems);
    }

    private static int quantile(int[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.ceil(q * sorted.length) - 1];
    }
}
