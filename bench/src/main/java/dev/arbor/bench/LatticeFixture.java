package dev.arbor.bench;

import dev.arbor.format.LatticeShape;
import dev.arbor.synth.SyntheticLattice;
import dev.arbor.writer.SegmentWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A synthetic lattice over a {@link SyntheticFixture}'s items ({@link SyntheticLattice#alongTree}), written once beside
 * the tree's index, and the tree's query histories: the lattice's benchmarks and harness rows search the same users as
 * the tree's.
 */
public final class LatticeFixture {
    public final Path directory;
    public final long[][] histories;

    private LatticeFixture(Path directory, long[][] histories) {
        this.directory = directory;
        this.histories = histories;
    }

    /**
     * The lattice lives in a subdirectory of {@code tree}'s parent named after the tree's and its own settings; it is
     * generated and written only when that directory holds no commit.
     */
    public static LatticeFixture create(SyntheticFixture tree, LatticeShape lattice, int paths, double noise) {
        int items = tree.index.itemIds().length;
        Path dir = tree.directory.resolveSibling(String.format(Locale.ROOT, "lattice-k%d-d%d-j%d-%d-b%d%s", lattice.k(),
                lattice.depth(), paths, items, tree.index.shape().branching(), noise == 0 ? "" : "-noise" + noise));
        try {
            if (!Files.exists(dir.resolve("commit.arb"))) {
                SegmentWriter.write(dir, SyntheticLattice.alongTree(tree.index, lattice, paths, noise, 43));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new LatticeFixture(dir, tree.histories);
    }
}
