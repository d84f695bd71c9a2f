package dev.arbor.bench.harness;

import dev.arbor.format.LatticeShape;
import dev.arbor.synth.SyntheticLattice;
import java.util.List;

/**
 * The Deep Retrieval rows of {@link BenchHarness}: a synthetic lattice per size over the tree's items, searched at each
 * path beam on the tree's query histories.
 *
 * @param beams  path beams (paths kept per layer, and the top paths whose items are reranked); empty for no lattice rows
 * @param shape  K x D; null for {@link SyntheticLattice#shapeFor} each size
 * @param paths  J, paths per item
 * @param noise  model noise of the synthetic lattices, in units of each layer's code spread (0: the exact posterior)
 */
public record LatticeConfig(List<Integer> beams, LatticeShape shape, int paths, double noise) {
    /** No lattice rows. */
    public static final LatticeConfig NONE = new LatticeConfig(List.of(), null, 3, 0);

    public LatticeConfig {
        beams = List.copyOf(beams);
        if (!beams.stream().allMatch(b -> b >= 1)) {
            throw new IllegalArgumentException("lattice beams must be >= 1, got " + beams);
        }
        if (paths < 1 || shape != null && paths > shape.k()) {
            throw new IllegalArgumentException("lattice paths per item (J) must be in [1, K" + (shape == null ? "]"
                    : " = " + shape.k() + "]") + ", got " + paths);
        }
        if (!(noise >= 0 && noise <= 100)) {
            throw new IllegalArgumentException("lattice noise must be in [0, 100], got " + noise);
        }
    }

    /** The lattice at {@code items} items: the one asked for, or the generator's default for the size. */
    public LatticeShape shapeFor(int items) {
        return shape == null ? SyntheticLattice.shapeFor(items) : shape;
    }

    public boolean enabled() {
        return !beams.isEmpty();
    }
}
