package dev.arbor.treetrain;

import java.util.PriorityQueue;

/**
 * JTM's capacity-bound assignment of items to the candidate nodes of one step: every item wants its best node by
 * objective, no node takes more than its capacity, and an overfull node keeps the items that were under it in the old
 * tree first, then the ones with the highest objective for it; the others try their next best node.
 *
 * <p>Run as deferred acceptance (items propose, nodes hold their best so far), which gives the one assignment that is
 * stable under those preferences, whatever the order of proposals: the result is deterministic.
 */
final class Rebalancer {

    private Rebalancer() {
    }

    /**
     * @param objective item-major, {@code width} per item: the item's objective for each candidate
     * @param width     candidates per item
     * @param oldChoice per item, the candidate it was under in the old tree, or -1
     * @param capacity  the most items a candidate takes; {@code capacity * width} must cover the items
     * @return each item's candidate
     */
    static int[] assign(float[] objective, int width, int[] oldChoice, int capacity) {
        int n = oldChoice.length;
        if ((long) capacity * width < n) {
            throw new IllegalArgumentException(n + " items do not fit " + width + " nodes of capacity " + capacity);
        }
        int[] chosen = new int[n];
        java.util.Arrays.fill(chosen, -1);
        @SuppressWarnings("unchecked")
        PriorityQueue<Integer>[] held = new PriorityQueue[width];
        int[] pending = new int[n];
        int top = 0;
        for (int i = n - 1; i >= 0; i--) {
            pending[top++] = i;
        }
        while (top > 0) {
            int item = pending[--top];
            int c = nextChoice(objective, width, oldChoice[item], item, chosen[item]);
            chosen[item] = c;
            if (held[c] == null) {
                int node = c;
                // Weakest first: the head is the item the node gives up when it overflows.
                held[c] = new PriorityQueue<>(Math.min(capacity, 16), (a, b) -> stronger(objective, width, oldChoice, node, a, b));
            }
            PriorityQueue<Integer> q = held[c];
            if (q.size() < capacity) {
                q.add(item);
            } else if (stronger(objective, width, oldChoice, c, item, q.peek()) > 0) {
                pending[top++] = q.poll();
                q.add(item);
            } else {
                pending[top++] = item;
            }
        }
        return chosen;
    }

    /**
     * Compares items {@code a} and {@code b} as node {@code c} ranks them: positive when {@code a} is stronger. An old
     * member beats a newcomer, then the higher objective wins, then the lower item index.
     */
    static int stronger(float[] objective, int width, int[] oldChoice, int c, int a, int b) {
        boolean oldA = oldChoice[a] == c, oldB = oldChoice[b] == c;
        if (oldA != oldB) {
            return oldA ? 1 : -1;
        }
        int byObjective = Float.compare(objective[a * width + c], objective[b * width + c]);
        return byObjective != 0 ? byObjective : Integer.compare(b, a);
    }

    /**
     * The item's next candidate after {@code previous} (-1 for its first) in its order of preference: higher objective
     * first, then its old node, then the lower index.
     */
    static int nextChoice(float[] objective, int width, int old, int item, int previous) {
        int best = -1;
        for (int c = 0; c < width; c++) {
            if (previous >= 0 && !prefers(objective, width, old, item, previous, c)) {
                continue; // already tried, or preferred to the one tried last
            }
            if (best < 0 || prefers(objective, width, old, item, c, best)) {
                best = c;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("item " + item + " has no node left; capacities do not cover the items");
        }
        return best;
    }

    /** Whether the item prefers candidate {@code x} to {@code y}. */
    static boolean prefers(float[] objective, int width, int old, int item, int x, int y) {
        int byObjective = Float.compare(objective[item * width + x], objective[item * width + y]);
        if (byObjective != 0) {
            return byObjective > 0;
        }
        if ((x == old) != (y == old)) {
            return x == old;
        }
        return x < y;
    }
}
