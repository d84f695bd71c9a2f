package dev.arbor.search;

/**
 * Bounded selection of the k best (node, score) pairs with a binary min-heap on flat arrays. Ties
 * prefer the smaller node id, so results do not depend on candidate order.
 */
final class TopK {
    private int[] nodes;
    private float[] scores;
    private int capacity;
    private int size;

    TopK(int capacity) {
        nodes = new int[capacity];
        scores = new float[capacity];
    }

    void reset(int k) {
        if (k > nodes.length) {
            nodes = new int[k];
            scores = new float[k];
        }
        capacity = k;
        size = 0;
    }

    void offer(int node, float score) {
        if (size < capacity) {
            int i = size++;
            nodes[i] = node;
            scores[i] = score;
            siftUp(i);
        } else if (better(node, score, nodes[0], scores[0])) {
            nodes[0] = node;
            scores[0] = score;
            siftDown(0);
        }
    }

    int size() {
        return size;
    }

    /** Empties the heap into the arrays, best first; returns the count. */
    int drainDescending(int[] outNodes, float[] outScores) {
        int n = size;
        for (int i = n - 1; i >= 0; i--) {
            outNodes[i] = nodes[0];
            outScores[i] = scores[0];
            size--;
            nodes[0] = nodes[size];
            scores[0] = scores[size];
            siftDown(0);
        }
        return n;
    }

    /** Whether (a, sa) ranks above (b, sb). NaN scores rank last. */
    private static boolean better(int a, float sa, int b, float sb) {
        if (sa != sb) {
            return sa > sb || (sb != sb && sa == sa);
        }
        return a < b;
    }

    private void siftUp(int i) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!better(nodes[p], scores[p], nodes[i], scores[i])) {
                break;
            }
            swap(i, p);
            i = p;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1, r = l + 1, worst = i;
            if (l < size && better(nodes[worst], scores[worst], nodes[l], scores[l])) {
                worst = l;
            }
            if (r < size && better(nodes[worst], scores[worst], nodes[r], scores[r])) {
                worst = r;
            }
            if (worst == i) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int i, int j) {
        int n = nodes[i];
        nodes[i] = nodes[j];
        nodes[j] = n;
        float s = scores[i];
        scores[i] = scores[j];
        scores[j] = s;
    }
}
