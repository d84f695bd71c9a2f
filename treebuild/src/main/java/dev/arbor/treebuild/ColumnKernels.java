package dev.arbor.treebuild;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels of balanced k-means over column-major blocks ({@code x[offset + k * stride + i]} is dimension
 * {@code k} of item {@code i}). Vectors run across items, so every operation is lane-wise and a result does
 * not depend on the vector width: a build gives the same tree on AVX2, AVX-512 or NEON.
 *
 * <p>Loops step over whole vectors and may read up to {@link #LANES}{@code - 1} items past {@code count}; the
 * caller pads its arrays by {@link #LANES} and ignores what lands in the excess lanes.
 */
final class ColumnKernels {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    static final int LANES = FLOATS.length();
    /** Shuffles moving lane {@code i + h} to lane {@code i}, for {@code h = LANES/2, LANES/4, ..., 1}. */
    private static final List<VectorShuffle<Float>> FOLD_SHIFTS = foldShifts();

    static {
        if (INTS.length() != LANES) {
            throw new IllegalStateException("float and int vectors of the preferred shape differ in lanes");
        }
    }

    private ColumnKernels() {
    }

    private static List<VectorShuffle<Float>> foldShifts() {
        List<VectorShuffle<Float>> shifts = new ArrayList<>();
        for (int half = LANES / 2; half >= 1; half /= 2) {
            int h = half;
            shifts.add(VectorShuffle.fromOp(FLOATS, i -> (i + h) % LANES));
        }
        return List.copyOf(shifts);
    }

    /**
     * For each of {@code count} items, the nearest and second-nearest open cluster by the score
     * {@code norms[j] + x . scaled[j]}; with {@code scaled = -2 * centroid} and {@code norms = |centroid|^2}
     * that is the squared distance less {@code |x|^2}. Ties go to the lower cluster index.
     */
    static void nearestTwo(float[] x, int offset, int stride, int count, int dim, float[] scaled, float[] norms,
                           boolean[] open, float[] first, float[] second, int[] nearest) {
        int clusters = norms.length;
        for (int i = 0; i < count; i += LANES) {
            FloatVector best = FloatVector.broadcast(FLOATS, Float.POSITIVE_INFINITY);
            FloatVector runnerUp = best;
            IntVector arg = IntVector.zero(INTS);
            for (int j = 0; j < clusters; j++) {
                if (!open[j]) {
                    continue;
                }
                FloatVector score = FloatVector.broadcast(FLOATS, norms[j]);
                int c = j * dim;
                for (int k = 0; k < dim; k++) {
                    score = FloatVector.fromArray(FLOATS, x, offset + k * stride + i)
                            .fma(FloatVector.broadcast(FLOATS, scaled[c + k]), score);
                }
                VectorMask<Float> closer = score.lt(best);
                runnerUp = runnerUp.min(best.max(score));
                best = best.min(score);
                arg = arg.blend(j, closer.cast(INTS));
            }
            best.intoArray(first, i);
            runnerUp.intoArray(second, i);
            arg.intoArray(nearest, i);
        }
    }

    /** Lowers {@code nearest[i]} to the squared distance of item {@code i} to {@code centroid[c .. c+dim)}. */
    static void lowerSquaredDistance(float[] x, int offset, int stride, int count, int dim, float[] centroid,
                                     int c, float[] nearest) {
        for (int i = 0; i < count; i += LANES) {
            FloatVector sum = FloatVector.zero(FLOATS);
            for (int k = 0; k < dim; k++) {
                FloatVector diff = FloatVector.fromArray(FLOATS, x, offset + k * stride + i).sub(centroid[c + k]);
                sum = diff.fma(diff, sum);
            }
            sum.min(FloatVector.fromArray(FLOATS, nearest, i)).intoArray(nearest, i);
        }
    }

    /** Sums every item per dimension into {@code totals[k]}; see {@link #clusterSums} for the order. */
    static void columnSums(float[] x, int offset, int stride, int count, int dim, int tile, float[] partial,
                           float[] totals) {
        foldedSums(x, offset, stride, count, dim, null, 1, tile, partial, totals);
    }

    /**
     * Sums the items of each cluster per dimension into {@code sums[j * dim + k]}. Each item position within
     * a tile of {@code tile} items has its own accumulator lane in {@code partial}; the lanes are then folded
     * pairwise in a fixed order. The last cluster is not accumulated but taken as {@code totals} (from
     * {@link #columnSums}) less the others, which halves the work for two clusters.
     *
     * @param tile    a power of two, at least {@link #LANES}
     * @param partial scratch of at least {@code (clusters - 1) * dim * tile} floats
     */
    static void clusterSums(float[] x, int offset, int stride, int count, int dim, int[] labels, int clusters,
                            float[] totals, int tile, float[] partial, float[] sums) {
        foldedSums(x, offset, stride, count, dim, labels, clusters - 1, tile, partial, sums);
        int last = (clusters - 1) * dim;
        for (int k = 0; k < dim; k++) {
            float rest = totals[k];
            for (int j = 0; j < clusters - 1; j++) {
                rest -= sums[j * dim + k];
            }
            sums[last + k] = rest;
        }
    }

    /** Per-dimension sums of the items labelled {@code 0 .. clusters-1}, or of all items if labels is null. */
    private static void foldedSums(float[] x, int offset, int stride, int count, int dim, int[] labels,
                                   int clusters, int tile, float[] partial, float[] sums) {
        // Accumulator lanes: a power of two covering the tile (or the count when smaller), so the fold pairs the
        // same items whatever the vector width; lanes beyond the count only ever add exact zeros.
        int used = Math.min(tile, count);
        int width = Integer.highestOneBit(used);
        if (width < used) {
            width <<= 1;
        }
        width = Math.max(width, LANES);
        int blocks = clusters * dim;
        Arrays.fill(partial, 0, blocks * width, 0f);
        for (int base = 0; base < count; base += tile) {
            int len = Math.min(tile, count - base);
            for (int i = 0; i < len; i += LANES) {
                VectorMask<Integer> valid = INTS.indexInRange(i, len);
                IntVector label = labels == null ? null : IntVector.fromArray(INTS, labels, base + i);
                for (int j = 0; j < clusters; j++) {
                    VectorMask<Float> member = (label == null ? valid : label.eq(j).and(valid)).cast(FLOATS);
                    if (!member.anyTrue()) {
                        continue;
                    }
                    for (int k = 0; k < dim; k++) {
                        int a = (j * dim + k) * width + i;
                        FloatVector.fromArray(FLOATS, partial, a)
                                .add(FloatVector.fromArray(FLOATS, x, offset + k * stride + base + i), member)
                                .intoArray(partial, a);
                    }
                }
            }
        }
        for (int b = 0; b < blocks; b++) {
            int a = b * width;
            for (int half = width >>> 1; half >= LANES; half >>>= 1) {
                for (int i = 0; i < half; i += LANES) {
                    FloatVector.fromArray(FLOATS, partial, a + i)
                            .add(FloatVector.fromArray(FLOATS, partial, a + half + i))
                            .intoArray(partial, a + i);
                }
            }
            // The last halvings within one vector: lane i adds lane i + half, as the scalar fold would.
            FloatVector folded = FloatVector.fromArray(FLOATS, partial, a);
            for (VectorShuffle<Float> shift : FOLD_SHIFTS) {
                folded = folded.add(folded.rearrange(shift));
            }
            sums[b] = folded.lane(0);
        }
    }
}
