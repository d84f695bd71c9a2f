package dev.arbor.lattice;

import dev.arbor.format.LatticeShape;

/**
 * What the lattice search needs of a Deep Retrieval model: for a prepared user and a batch of prefixes of one layer,
 * the log-softmax over the {@code K} codes of the next layer, {@code log p(c_l | x, c_0 .. c_(l-1))}. One call scores
 * a whole beam's layer, so a real model runs it as one GEMM.
 *
 * <p>The user is the scorer's own type {@code U}: per-thread scratch made by {@link #newUser()}, which the caller
 * prepares however its model encodes a user (a history, features) before each search, through
 * {@link LatticeContext#user()}. Scoring must not allocate.
 *
 * @param <U> the scorer's per-thread user state
 */
public interface LayerScorer<U> {

    /** The lattice this model scores: its width is the softmax size, its depth the number of layers. */
    LatticeShape lattice();

    /** Fresh scratch for one thread's queries. */
    U newUser();

    /**
     * Writes {@code out[i·K + c] = log p(c | user, prefix i)} for {@code i < prefixCount} and {@code c < K}. Prefix
     * {@code i} is the row {@code prefixes[i·layer .. (i+1)·layer)} of codes of layers {@code 0 .. layer-1}; on layer
     * 0 there is one prefix, the empty one. Each row of {@code out} is a log-softmax: its exponentials sum to one.
     */
    void logProbabilities(U user, int layer, int[] prefixes, int prefixCount, float[] out);
}
