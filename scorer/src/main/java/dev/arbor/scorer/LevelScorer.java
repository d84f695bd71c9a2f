package dev.arbor.scorer;

/**
 * What beam search needs of a model: score one level's candidate nodes for one prepared user. The mapped
 * model ({@link NodeScorer}), an ONNX Runtime session, a model in training (OTM) and the Deep Retrieval
 * lattice's per-layer softmax all fit it.
 *
 * <p>A {@link User} is per-thread scratch: {@link #prepare} computes what depends on the history alone,
 * once per query; {@link #score} then runs for each level's batch of candidates. Neither may allocate.
 */
public interface LevelScorer {

    /** Per-thread state of one prepared user, made by {@link #newUser()} of the scorer that uses it. */
    interface User {
    }

    /** Fresh scratch for one thread's queries. */
    User newUser();

    /** History slots a user has; {@link #prepare} takes exactly this many, {@code -1} for an empty slot. */
    int historyLength();

    /** Computes the history-only terms for {@code historyNodes} (oldest first, {@code -1} for empty slots). */
    void prepare(User user, int[] historyNodes);

    /** {@code out[outOff + i] = score(user, nodes[from + i])} for {@code i < count}. */
    void score(User user, int[] nodes, int from, int count, float[] out, int outOff);
}
