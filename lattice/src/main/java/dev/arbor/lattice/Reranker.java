package dev.arbor.lattice;

/**
 * Scores the items that the top paths hold, since a path holds many items and its probability cannot tell them apart
 * (the paper's multi-task softmax reranker, or any later ranking model). Called on the search thread with the user
 * prepared for the search; it must not allocate.
 *
 * @param <U> the scorer's per-thread user state
 */
@FunctionalInterface
public interface Reranker<U> {

    /** {@code out[i] = score(user, items[i])} for {@code i < count}; higher is better, NaN drops the item. */
    void score(U user, int[] items, int count, float[] out);
}
