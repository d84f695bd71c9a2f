package dev.arbor.bench;

import dev.arbor.format.ModelKind;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.reader.TreeSegment;
import dev.arbor.synth.SyntheticLattice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Opening (commit read, mmap, frame and structure checks) and closing a segment of either kind; should not grow with
 * size. The lattice is {@link LatticeFixture}'s (the generator's shape for the size, J = 3) over the tree fixture's
 * items.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SegmentOpenBenchmark {
    @Param({"100000", "1000000", "4000000"})
    int items;
    @Param({"tree", "lattice"})
    String kind;

    private Path directory;

    @Setup
    public void setUp() {
        SyntheticFixture tree = SyntheticFixture.create(items, 2, ModelKind.ATTENTION_DNN, 1);
        directory = kind.equals("tree") ? tree.directory
                : LatticeFixture.create(tree, SyntheticLattice.shapeFor(items), 3, 0).directory;
    }

    @Benchmark
    public int openAndClose() throws IOException {
        if (kind.equals("tree")) {
            try (TreeSegment segment = IndexDirectory.openLatest(directory)) {
                return segment.itemCount();
            }
        }
        try (LatticeSegment segment = IndexDirectory.openLatestLattice(directory)) {
            return segment.itemCount();
        }
    }
}
