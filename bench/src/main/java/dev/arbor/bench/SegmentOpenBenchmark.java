package dev.arbor.bench;

import dev.arbor.format.ModelKind;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/** Opening (commit read, mmap, frame and structure checks) and closing a segment; should not grow with size. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SegmentOpenBenchmark {
    @Param({"100000", "1000000", "4000000"})
    int items;

    private Path directory;

    @Setup
    public void setUp() {
        directory = SyntheticFixture.create(items, 2, ModelKind.ATTENTION_DNN, 1).directory;
    }

    @Benchmark
    public int openAndClose() throws IOException {
        try (TreeSegment segment = IndexDirectory.openLatest(directory)) {
            return segment.itemCount();
        }
    }
}
