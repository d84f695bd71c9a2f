package dev.arbor.scorer;

/**
 * Per-thread scratch for {@link NodeScorer}: the query-side terms computed once by
 * {@link NodeScorer#prepare} and the column buffers of one chunk of candidates. Allocated once; reused
 * for every query, so scoring allocates nothing.
 */
public final class ScoringContext implements LevelScorer.User {
    final int[] validSlots;
    int validCount;
    final int[] windowCounts;
    final float[] behaviours;
    /** d x V: the behaviours as columns. */
    final float[] behavioursByColumn;
    /** Attention: A x V, {@code Wb b_j} of every behaviour. */
    final float[] slotBias;
    /** V x d: each behaviour over its window's size. */
    final float[] scaledBehaviours;
    /** V x h0: {@link #pooledWeights} transposed, as its GEMM writes it. */
    final float[] pooledByBehaviour;
    /** Attention: per valid slot j, the A x (d+1) matrix [Wbn diag(b_j) + Wn | Wb b_j + b1]. */
    final float[] slotWeights;
    /** h0 x V: column j is mlp0's window block times b_j over the window's size. */
    final float[] pooledWeights;
    /** MLP model: h0 query-constant bias of the first layer. */
    final float[] firstLayerBias;
    /** (d+1) x CHUNK: the chunk's node embeddings, one column per candidate, then a row of ones. */
    final float[] columns;
    final float[] attentionWeights;
    final float[][] layers;
    final float[] scores;
    boolean prepared;

    ScoringContext(NodeScorer s) {
        int h = s.historyLength, d = s.dim, chunk = NodeScorer.CHUNK;
        validSlots = new int[h];
        windowCounts = new int[s.windowCount];
        behaviours = new float[h * d];
        behavioursByColumn = new float[h * d];
        slotBias = new float[s.attentionHidden * h];
        scaledBehaviours = new float[h * d];
        pooledByBehaviour = new float[h * s.hidden[0]];
        slotWeights = new float[s.attentionHidden == 0 ? 0 : h * s.attentionHidden * (d + 1)];
        pooledWeights = new float[s.hidden[0] * h];
        firstLayerBias = new float[s.hidden[0]];
        columns = new float[(d + 1) * chunk];
        java.util.Arrays.fill(columns, d * chunk, (d + 1) * chunk, 1f);
        attentionWeights = new float[h * chunk];
        scores = new float[chunk];
        layers = new float[s.hidden.length][];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new float[s.hidden[i] * chunk];
        }
    }
}
