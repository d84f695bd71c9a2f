package dev.arbor.bench;

import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A synthetic index written once per size, model, branching and inner-node noise under
 * {@code work/bench-indexes/}, and
 * a fixed set of query histories drawn from it. Shared by the JMH benchmarks and the harness so they
 * measure the same thing.
 */
public final class SyntheticFixture {
    public final Path directory;
    public final TreeIndex index;
    public final long[][] histories;

    private SyntheticFixture(Path directory, TreeIndex index, long[][] histories) {
        this.directory = directory;
        this.index = index;
        this.histories = histories;
    }

    /** Under {@code work/bench-indexes/}, or the directory the {@code arbor.bench.dir} property names. */
    public static SyntheticFixture create(int items, int branching, ModelKind kind, int queries) {
        return create(Path.of(System.getProperty("arbor.bench.dir", "work/bench-indexes")), items, branching, kind, queries, 0);
    }

    /**
     * The fixture's index lives in a subdirectory of {@code root} named after size, model, branching and
     * (when not 0) the inner-node noise of {@link SyntheticIndex#generate(int, int, ModelKind, long, double)}.
     */
    public static SyntheticFixture create(Path root, int items, int branching, ModelKind kind, int queries,
                                          double innerNoise) {
        TreeIndex index = SyntheticIndex.generate(items, branching, kind, 42, innerNoise);
        Path dir = root.resolve(kind.name().toLowerCase() + "-b" + branching + "-" + items
                + (innerNoise == 0 ? "" : "-noise" + innerNoise));
        try {
            if (!Files.exists(dir.resolve("commit.arb"))) {
                SegmentWriter.write(dir, index);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SplittableRandom r = new SplittableRandom(7);
        long[][] histories = new long[queries][];
        for (int q = 0; q < queries; q++) {
            histories[q] = SyntheticIndex.sampleHistory(index, 69, 6, r);
        }
        return new SyntheticFixture(dir, index, histories);
    }
}
