package dev.arbor.lattice;

import dev.arbor.format.LatticeShape;

/**
 * A stand-in model: each (user seed, layer, prefix, code) gets a pseudo-random logit, and each prefix's row is
 * log-softmaxed. With {@code levels > 0} the logits take only that many values, so that many paths tie. Allocates
 * nothing, so it serves the allocation test too.
 */
final class FakeScorer implements LayerScorer<FakeScorer.User> {

    /** The prepared user: just a seed. */
    static final class User {
        long seed;
    }

    private final LatticeShape lattice;
    private final int levels;
    private final double[] logits;

    FakeScorer(LatticeShape lattice, int levels) {
        this.lattice = lattice;
        this.levels = levels;
        this.logits = new double[lattice.k()];
    }

    @Override
    public LatticeShape lattice() {
        return lattice;
    }

    @Override
    public User newUser() {
        return new User();
    }

    @Override
    public void logProbabilities(User user, int layer, int[] prefixes, int prefixCount, float[] out) {
        int width = lattice.k();
        for (int i = 0; i < prefixCount; i++) {
            long prefix = 0;
            for (int l = 0; l < layer; l++) {
                prefix = prefix * width + prefixes[i * layer + l];
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < width; c++) {
                logits[c] = logit(user.seed, layer, prefix, c);
                max = Math.max(max, logits[c]);
            }
            double sum = 0;
            for (int c = 0; c < width; c++) {
                sum += Math.exp(logits[c] - max);
            }
            double log = max + Math.log(sum);
            for (int c = 0; c < width; c++) {
                out[i * width + c] = (float) (logits[c] - log);
            }
        }
    }

    /** The log-probability the model gives the whole path, summed as the searcher sums it. */
    float pathScore(User user, long key) {
        int width = lattice.k(), depth = lattice.depth();
        int[] codes = new int[depth];
        float[] out = new float[width];
        for (int l = 0; l < depth; l++) {
            codes[l] = lattice.code(key, l);
        }
        float sum = 0f;
        for (int l = 0; l < depth; l++) {
            logProbabilities(user, l, codes, 1, out);
            sum = out[codes[l]] + sum;
        }
        return sum;
    }

    private double logit(long seed, int layer, long prefix, int code) {
        long h = mix(seed ^ mix(layer * 0x9E3779B97F4A7C15L + prefix) ^ (code * 0xC2B2AE3D27D4EB4FL));
        if (levels > 0) {
            return Math.floorMod(h, levels);
        }
        return (h >>> 11) * 0x1.0p-53 * 8 - 4;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
