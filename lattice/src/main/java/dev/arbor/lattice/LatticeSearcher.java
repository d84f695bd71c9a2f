package dev.arbor.lattice;

import dev.arbor.format.LatticeShape;
import dev.arbor.search.TopK;

/**
 * Beam search for the most probable paths of a Deep Retrieval lattice (the paper's Algorithm 1), and exhaustive
 * scoring of every path for comparison.
 *
 * <p>A path's score is its log-probability, the sum of the model's per-layer log-softmax values along it (the log of
 * the product of its layers' probabilities). The search starts from the empty prefix; on each layer it extends every
 * kept prefix by all {@code K} codes, scoring the whole layer in one {@link LayerScorer} call, and keeps the best
 * {@code beam} extensions; on the last layer it keeps the best {@code n} paths. A beam of at least {@code K^(D-1)}
 * keeps every prefix, so the result is then exactly {@link #bruteForce}'s.
 *
 * <p>Ties are broken towards the smaller path key, that is the lexicographically smaller code sequence, on every
 * layer and in the result: the kept prefixes are held in key order, so a candidate's index in a layer's batch orders
 * candidates as their keys do, and {@link TopK} ranks equal scores by the smaller index. A path whose score is NaN is
 * dropped. Thread-safe: each thread uses its own {@link LatticeContext}, and after warm-up a search allocates nothing.
 *
 * @param <U> the scorer's per-thread user state
 */
public final class LatticeSearcher<U> {
    /** Brute force keeps every path's score in memory: 2^22 floats is 16 MiB. */
    static final long BRUTE_FORCE_LIMIT = 1L << 22;
    private static final int BRUTE_FORCE_CHUNK = 1024;
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private final LayerScorer<U> scorer;
    private final LatticeShape lattice;
    private final int width;
    private final int depth;
    /** {@code K^(D-1)}: a wider beam keeps the same prefixes as one exactly this wide. */
    private final long lastLayerPrefixes;

    public LatticeSearcher(LayerScorer<U> scorer) {
        this.scorer = scorer;
        this.lattice = scorer.lattice();
        this.width = lattice.k();
        this.depth = lattice.depth();
        this.lastLayerPrefixes = lattice.prefixes(depth - 1);
    }

    public LatticeContext<U> newContext() {
        return new LatticeContext<>(this, scorer.newUser());
    }

    /**
     * Beam search for the {@code n} most probable paths, keeping {@code beam} prefixes per layer, for the user
     * prepared in {@code ctx}. The result holds {@code min(n, K^D)} paths, fewer only where scores were NaN.
     */
    public void search(LatticeContext<U> ctx, int n, int beam, TopPaths result) {
        checkArguments(ctx, n, result);
        if (beam < 1) {
            throw new IllegalArgumentException("beam must be >= 1, got " + beam);
        }
        // Clamping keeps an absurd beam (say Integer.MAX_VALUE) from sizing buffers after it.
        int kept = (int) Math.min(beam, lastLayerPrefixes);
        if ((long) kept * Math.max(width, depth - 1) > MAX_ARRAY) {
            throw new IllegalArgumentException("a beam of " + beam + " prefixes times a width of " + width
                    + " codes exceeds the largest array; use a narrower beam");
        }
        int keep = (int) Math.min(n, lattice.keySpace());
        ctx.ensureBeam(kept, width, depth);
        ctx.ensureKept(Math.max(kept, keep));
        ctx.prefixKeys[0] = 0;
        ctx.prefixScores[0] = 0f;
        int prefixCount = 1;
        for (int layer = 0; layer < depth; layer++) {
            boolean last = layer == depth - 1;
            scorer.logProbabilities(ctx.user, layer, ctx.prefixes, prefixCount, ctx.scores);
            TopK top = ctx.topK(last ? keep : kept);
            float[] scores = ctx.scores;
            for (int i = 0; i < prefixCount; i++) {
                float prefixScore = ctx.prefixScores[i];
                for (int code = 0, at = i * width; code < width; code++, at++) {
                    scores[at] += prefixScore;
                    top.offer(at, scores[at]);
                }
            }
            if (last) {
                emit(ctx, top, result);
            } else {
                prefixCount = extend(ctx, top, layer, prefixCount);
            }
        }
    }

    /**
     * Makes the kept candidates of {@code layer} the prefixes of the next, in key order: marking them and sweeping the
     * batch in index order sorts them without a sort.
     */
    private int extend(LatticeContext<U> ctx, TopK top, int layer, int prefixCount) {
        int count = top.size();
        top.drain(ctx.kept, null);
        for (int i = 0; i < count; i++) {
            ctx.selected[ctx.kept[i]] = true;
        }
        int next = 0, rowLength = layer + 1;
        for (int at = 0, end = prefixCount * width; at < end; at++) {
            if (ctx.selected[at]) {
                ctx.selected[at] = false;
                int prefix = at / width, code = at - prefix * width;
                System.arraycopy(ctx.prefixes, prefix * layer, ctx.nextPrefixes, next * rowLength, layer);
                ctx.nextPrefixes[next * rowLength + layer] = code;
                ctx.nextKeys[next] = ctx.prefixKeys[prefix] * width + code;
                ctx.nextScores[next] = ctx.scores[at];
                next++;
            }
        }
        ctx.advance();
        return next;
    }

    private void emit(LatticeContext<U> ctx, TopK top, TopPaths result) {
        int count = top.size();
        top.drain(ctx.kept, ctx.keptScores);
        result.clear();
        for (int i = 0; i < count; i++) {
            int at = ctx.kept[i], prefix = at / width;
            result.add(ctx.prefixKeys[prefix] * width + (at - prefix * width), ctx.keptScores[i]);
        }
    }

    /**
     * Scores every path and returns the exact top {@code n} under the same model and tie rule as {@link #search}. For
     * tests and fidelity checks on small lattices: it allocates, and refuses lattices of more than 2^22 paths.
     */
    public void bruteForce(LatticeContext<U> ctx, int n, TopPaths result) {
        checkArguments(ctx, n, result);
        long paths = lattice.keySpace();
        if (paths > BRUTE_FORCE_LIMIT) {
            throw new IllegalArgumentException("brute force scores all " + width + "^" + depth + " = " + paths
                    + " paths and holds their scores; it refuses more than " + BRUTE_FORCE_LIMIT + " (2^22). A beam of"
                    + " K^(D-1) = " + lastLayerPrefixes + " gives the exact answer on a larger lattice");
        }
        // sums[p] is prefix p's log-probability, prefixes of the current length indexed by key.
        float[] sums = {0f};
        float[] out = new float[BRUTE_FORCE_CHUNK * width];
        for (int layer = 0; layer < depth; layer++) {
            float[] next = new float[sums.length * width];
            int[] rows = new int[BRUTE_FORCE_CHUNK * layer];
            for (int start = 0; start < sums.length; start += BRUTE_FORCE_CHUNK) {
                int count = Math.min(BRUTE_FORCE_CHUNK, sums.length - start);
                for (int i = 0; i < count; i++) {
                    int key = start + i;
                    for (int position = layer - 1; position >= 0; position--, key /= width) {
                        rows[i * layer + position] = key % width;
                    }
                }
                scorer.logProbabilities(ctx.user, layer, rows, count, out);
                for (int i = 0; i < count; i++) {
                    for (int code = 0; code < width; code++) {
                        next[(start + i) * width + code] = out[i * width + code] + sums[start + i];
                    }
                }
            }
            sums = next;
        }
        TopK top = ctx.topK((int) Math.min(n, paths));
        for (int key = 0; key < sums.length; key++) {
            top.offer(key, sums[key]);
        }
        int count = top.size();
        int[] keys = new int[count];
        float[] scores = new float[count];
        top.drain(keys, scores);
        result.clear();
        for (int i = 0; i < count; i++) {
            result.add(keys[i], scores[i]);
        }
    }

    private void checkArguments(LatticeContext<U> ctx, int n, TopPaths result) {
        if (ctx.searcher != this) {
            throw new IllegalArgumentException("the context belongs to another searcher");
        }
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        if (result.capacity() < n) {
            throw new IllegalArgumentException("result buffer holds " + result.capacity() + " paths, n is " + n);
        }
    }
}
