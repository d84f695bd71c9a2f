package dev.arbor.eval;

import dev.arbor.nn.Parallel;
import dev.arbor.progress.ProgressListener;
import dev.arbor.search.TopK;
import it.unimi.dsi.fastutil.ints.IntArrays;
import java.util.Arrays;

/**
 * Item-based collaborative filtering, the classic retrieval baseline of the TDM paper. Two items are similar when the
 * same users have them: {@code sim(i, j) = c(i, j) / (n(i)^alpha n(j)^(1 - alpha))}, where {@code c(i, j)} counts the
 * users having both and {@code n(i)} the users having {@code i}. {@code alpha = 0.5}, the default, is the cosine of
 * their binary user vectors; a larger {@code alpha} (the asymmetric cosine) penalises popular neighbours less, and
 * {@code alpha = 1} is the conditional probability {@code P(j | i)}. Each item keeps its
 * {@code N} most similar items. A user's score for item {@code j} is the sum of {@code sim(i, j)} over the distinct
 * items {@code i} of the input for which {@code j} is a kept neighbour; only items reached that way are recommended,
 * so a list may be shorter than K for a user with a short, rare history.
 *
 * <p>The neighbour lists live in flat arrays (CSR), a few bytes per item-neighbour pair. Fitting walks the users of
 * each item and counts co-occurrences in a dense per-thread row, which costs {@code Σ_users |history|²} additions in
 * all; MovieLens-1M fits in a few seconds on two cores.
 */
public final class ItemCf implements Recommender {

    /** The default number of neighbours kept per item. */
    public static final int DEFAULT_NEIGHBOURS = 200;
    /** The default normalisation exponent: the cosine. */
    public static final double COSINE = 0.5;

    private final int numItems;
    private final int[] offsets;
    private final int[] neighbours;
    private final float[] similarities;
    private final ThreadLocal<Scratch> scratch;

    private ItemCf(int numItems, int[] offsets, int[] neighbours, float[] similarities) {
        this.numItems = numItems;
        this.offsets = offsets;
        this.neighbours = neighbours;
        this.similarities = similarities;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(numItems));
    }

    /** Per-thread buffers: a dense row of scores or counts, the entries touched in it, and a top-K selector. */
    private static final class Scratch {
        final float[] row;
        final int[] touched;
        TopK top = new TopK(0);

        Scratch(int numItems) {
            row = new float[numItems];
            touched = new int[numItems];
        }

        TopK top(int k) {
            if (k > top.capacity()) {
                top = new TopK(k);
            }
            top.reset(k);
            return top;
        }
    }

    /** Fits cosine similarities on {@code histories}, keeping {@code neighbours} per item, on {@code threads}. */
    public static ItemCf fit(Histories histories, int neighbours, int threads) {
        return fit(histories, neighbours, COSINE, threads, ProgressListener.SILENT);
    }

    /** {@link #fit(Histories, int, int)} that reports its progress over the items to {@code progress}. */
    public static ItemCf fit(Histories histories, int neighbours, int threads, ProgressListener progress) {
        return fit(histories, neighbours, COSINE, threads, progress);
    }

    /** Fits with normalisation exponent {@code alpha} in [0, 1] (see the class comment). */
    public static ItemCf fit(Histories histories, int neighbours, double alpha, int threads, ProgressListener progress) {
        if (neighbours < 1) {
            throw new IllegalArgumentException("neighbours must be >= 1, got " + neighbours);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("the normalisation exponent must be in [0, 1], got " + alpha);
        }
        int n = histories.numItems();
        int[][] users = distinctItemsPerUser(histories);
        // Inverted index: the users of each item, CSR.
        int[] userOffsets = new int[n + 1];
        for (int[] items : users) {
            for (int item : items) {
                userOffsets[item + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            userOffsets[i + 1] += userOffsets[i];
        }
        int[] itemUsers = new int[userOffsets[n]];
        int[] fill = Arrays.copyOf(userOffsets, n);
        for (int u = 0; u < users.length; u++) {
            for (int item : users[u]) {
                itemUsers[fill[item]++] = u;
            }
        }

        int[][] lists = new int[n][];
        float[][] sims = new float[n][];
        ProgressListener.Task task = progress.task("item-CF similarities", "items", n);
        try (Parallel parallel = new Parallel(threads)) {
            Scratch[] perWorker = new Scratch[parallel.workers()];
            parallel.forChunks(n, 64, (worker, from, to) -> {
                Scratch s = perWorker[worker] == null ? perWorker[worker] = new Scratch(n) : perWorker[worker];
                for (int i = from; i < to; i++) {
                    neighboursOf(i, users, userOffsets, itemUsers, neighbours, alpha, s, lists, sims);
                }
                task.advance(to - from);
            });
        } finally {
            task.close();
        }

        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++) {
            offsets[i + 1] = offsets[i] + lists[i].length;
        }
        int[] flatNeighbours = new int[offsets[n]];
        float[] flatSimilarities = new float[offsets[n]];
        for (int i = 0; i < n; i++) {
            System.arraycopy(lists[i], 0, flatNeighbours, offsets[i], lists[i].length);
            System.arraycopy(sims[i], 0, flatSimilarities, offsets[i], sims[i].length);
        }
        return new ItemCf(n, offsets, flatNeighbours, flatSimilarities);
    }

    /** Each history's distinct items: repeats (a Taobao user viewing an item twice) count once. */
    private static int[][] distinctItemsPerUser(Histories histories) {
        int[][] users = new int[histories.size()][];
        for (int h = 0; h < users.length; h++) {
            users[h] = distinctSorted(histories.items(), histories.offsets()[h], histories.offsets()[h + 1]);
        }
        return users;
    }

    /** The distinct values of {@code items[from, to)}, ascending. */
    private static int[] distinctSorted(int[] items, int from, int to) {
        int[] sorted = Arrays.copyOfRange(items, from, to);
        IntArrays.quickSort(sorted);
        int d = 0;
        for (int k = 0; k < sorted.length; k++) {
            if (k == 0 || sorted[k] != sorted[k - 1]) {
                sorted[d++] = sorted[k];
            }
        }
        return Arrays.copyOf(sorted, d);
    }

    /** Counts item {@code i}'s co-occurrences in {@code s.row} and keeps its top neighbours by similarity. */
    private static void neighboursOf(int i, int[][] users, int[] userOffsets, int[] itemUsers, int neighbours,
            double alpha, Scratch s, int[][] lists, float[][] sims) {
        float[] counts = s.row;
        int touched = 0;
        for (int p = userOffsets[i]; p < userOffsets[i + 1]; p++) {
            for (int j : users[itemUsers[p]]) {
                if (counts[j] == 0) {
                    s.touched[touched++] = j;
                }
                counts[j]++;
            }
        }
        double ni = userOffsets[i + 1] - userOffsets[i];
        double niPower = Math.pow(ni, alpha);
        TopK top = s.top(Math.min(neighbours, touched));
        for (int t = 0; t < touched; t++) {
            int j = s.touched[t];
            if (j != i) {
                double nj = userOffsets[j + 1] - userOffsets[j];
                // The cosine as it always was, bit for bit; other exponents through pow.
                double norm = alpha == COSINE ? Math.sqrt(ni * nj) : niPower * Math.pow(nj, 1 - alpha);
                top.offer(j, (float) (counts[j] / norm));
            }
            counts[j] = 0;
        }
        int[] kept = new int[top.size()];
        float[] keptSims = new float[kept.length];
        top.drain(kept, keptSims);
        lists[i] = kept;
        sims[i] = keptSims;
    }

    /** The number of items. */
    public int numItems() {
        return numItems;
    }

    /** The neighbours kept for {@code item}, most similar first (a copy). */
    public int[] neighbours(int item) {
        return Arrays.copyOfRange(neighbours, offsets[item], offsets[item + 1]);
    }

    /** The similarities of {@link #neighbours(int)}, in the same order (a copy). */
    public float[] similarities(int item) {
        return Arrays.copyOfRange(similarities, offsets[item], offsets[item + 1]);
    }

    @Override
    public int[] recommend(int[] input, int k) {
        Scratch s = scratch.get();
        float[] scores = s.row;
        int touched = 0;
        for (int i : distinctSorted(input, 0, input.length)) {
            for (int q = offsets[i]; q < offsets[i + 1]; q++) {
                int j = neighbours[q];
                if (scores[j] == 0) {
                    s.touched[touched++] = j;
                }
                scores[j] += similarities[q];
            }
        }
        TopK top = s.top(Math.min(k, touched));
        for (int t = 0; t < touched; t++) {
            int j = s.touched[t];
            top.offer(j, scores[j]);
            scores[j] = 0;
        }
        return top.result();
    }

    @Override
    public String name() {
        return "Item-CF";
    }
}
