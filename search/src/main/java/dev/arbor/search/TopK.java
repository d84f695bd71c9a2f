package dev.arbor.search;

/**
 * Keeps the {@code k} best (item, score) pairs offered to it: a bounded min-heap in two flat arrays, so that picking
 * the top 200 of millions of scores allocates nothing per item. Higher scores rank first; equal scores rank the
 * smaller item ordinal first, so results never depend on the order in which items were offered. Reusable after
 * {@link #reset}; not thread-safe (use one per thread).
 */
public final class TopK {

    private final int capacity;
    private final int[] items;
    private final float[] scores;
    private int k;
    private int size;

    /** A selector for up to {@code capacity} items; {@link #reset} sets the actual {@code k}. */
    public TopK(int capacity) {
        this.capacity = capacity;
        this.items = new int[capacity];
        this.scores = new float[capacity];
        this.k = capacity;
    }

    /** The exact top {@code k} of {@code scores[0 .. n)} by index. */
    public static int[] of(float[] scores, int n, int k) {
        TopK top = new TopK(Math.min(k, n));
        for (int i = 0; i < n; i++) {
            top.offer(i, scores[i]);
        }
        return top.result();
    }

    /** Empties the selector and makes it keep the best {@code k} (at most its capacity). */
    public void reset(int k) {
        if (k < 0 || k > capacity) {
            throw new IllegalArgumentException("k must be in [0, " + capacity + "], got " + k);
        }
        this.k = k;
        this.size = 0;
    }

    /** Offers {@code item} with {@code score}; NaN scores are ignored. */
    public void offer(int item, float score) {
        if (Float.isNaN(score)) {
            return;
        }
        if (size < k) {
            items[size] = item;
            scores[size] = score;
            siftUp(size++);
        } else if (k > 0 && worse(items[0], scores[0], item, score)) {
            items[0] = item;
            scores[0] = score;
            siftDown(0);
        }
    }

    /** The number of items this selector can keep. */
    public int capacity() {
        return capacity;
    }

    /** The number of items kept so far. */
    public int size() {
        return size;
    }

    /** The items kept so far, best first. Leaves the selector empty. */
    public int[] result() {
        int[] out = new int[size];
        drain(out, null);
        return out;
    }

    /**
     * Writes the items kept so far, best first, into {@code itemsOut} and, unless null, their scores into
     * {@code scoresOut}; both need {@link #size()} room. Leaves the selector empty.
     */
    public void drain(int[] itemsOut, float[] scoresOut) {
        for (int i = size - 1; i >= 0; i--) {
            itemsOut[i] = items[0];
            if (scoresOut != null) {
                scoresOut[i] = scores[0];
            }
            size--;
            items[0] = items[size];
            scores[0] = scores[size];
            siftDown(0);
        }
    }

    /** Whether (a, sa) ranks below (b, sb). */
    private static boolean worse(int a, float sa, int b, float sb) {
        return sa < sb || (sa == sb && a > b);
    }

    private boolean worseAt(int i, int j) {
        return worse(items[i], scores[i], items[j], scores[j]);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worseAt(i, parent)) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worst = left + 1 < size && worseAt(left + 1, left) ? left + 1 : left;
            if (!worseAt(worst, i)) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int i, int j) {
        int item = items[i];
        items[i] = items[j];
        items[j] = item;
        float score = scores[i];
        scores[i] = scores[j];
        scores[j] = score;
    }
}
