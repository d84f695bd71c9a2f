package dev.arbor.bench.harness;

import dev.arbor.format.LatticeShape;
import java.util.List;

/**
 * The Deep Retrieval rows of {@link BenchHarness}: a synthetic lattice per size over the tree's items, searched at each
 * path beam on the tree's query histories.
 *
 * @param beams  path beams (paths kept per layer, and the top paths whose items are reranked); empty for no lattice rows
 * @param codes  K, codes per layer
 * @param depth  D, layers
 * @param paths  J, paths per item
 * @param noise  model noise of the synthetic lattices, in units of each layer's code spread (0: the exact posterior)
 */
public record LatticeConfig(List<Integer> beams, int codes, int depth, int paths, double noise) {
    /**
     * No lattice rows. The shape is the paper's (K = 100, D = 3, J = 3): a million paths, about one per item at 1e6 and
     * a dozen item slots per path at 4e6, and a softmax of 100 per layer that a beam of a few hundred prefixes covers.
     */
    public static final LatticeConfig NONE = new LatticeConfig(List.of(), 100, 3, 3, 0);

    public LatticeConfig {
        beams = List.copyOf(beams);
        if (!beams.stream().allMatch(b -> b >= 1)) {
            throw new IllegalArgumentException("lattice beams must be >= 1, got " + beams);
        }
        new LatticeShape(codes, depth);
        if (paths < 1 || paths > codes) {
            throw new IllegalArgumentException("lattice paths per item (J) must be in [1, K = " + codes + "], got " + paths);
        }
        if (!(noise >= 0 && noise <= 100)) {
            throw new IllegalArgumentException("lattice noise must be in [0, 100], got " + noise);
        }
    }

    public LatticeShape shape() {
        return new LatticeShape(codes, depth);
    }

    public boolean enabled() {
        return !beams.isEmpty();
    }
}
