package dev.arbor.bench;

import dev.arbor.format.ModelKind;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/** One full beam search (history set-up, exclusions, all levels, top-k) per operation. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BeamSearchBenchmark {
    @Param({"100000"})
    int items;
    @Param({"ATTENTION_DNN"})
    ModelKind model;
    @Param({"2"})
    int branching;
    @Param({"400"})
    int beam;
    @Param({"200"})
    int k;

    private TreeSegment segment;
    private BeamSearcher searcher;
    private SearchContext ctx;
    private SearchResult result;
    private long[][] histories;
    private int next;

    @Setup
    public void setUp() throws IOException {
        SyntheticFixture fixture = SyntheticFixture.create(items, branching, model, 64);
        histories = fixture.histories;
        segment = IndexDirectory.openLatest(fixture.directory);
        searcher = new BeamSearcher(segment);
        ctx = searcher.newContext();
        result = new SearchResult(k);
    }

    @TearDown
    public void tearDown() {
        segment.close();
    }

    @Benchmark
    public int search() {
        long[] history = histories[next++ & 63];
        ctx.reset().history(history, history.length);
        for (long id : history) {
            ctx.exclude(id);
        }
        searcher.search(ctx, k, beam, result);
        return result.count();
    }
}
