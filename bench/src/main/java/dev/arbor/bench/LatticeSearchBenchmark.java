package dev.arbor.bench;

import dev.arbor.format.ModelKind;
import dev.arbor.lattice.ItemCollector;
import dev.arbor.lattice.LatticeContext;
import dev.arbor.lattice.LatticeModelScorer;
import dev.arbor.lattice.LatticeSearcher;
import dev.arbor.lattice.TopPaths;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.scorer.Kernels;
import dev.arbor.search.SearchResult;
import dev.arbor.synth.SyntheticLattice;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * One full Deep Retrieval query per operation, as {@code arbor search} runs it on a lattice: the user encoded from the
 * history, the history excluded, beam search keeping {@code beam} prefixes per layer, the top {@code beam} paths' items
 * collected and reranked to the top {@code k}. The lattice is {@link LatticeFixture}'s over the tree fixture's items
 * (the generator's shape for the size, the paper's K = 100, D = 3 from 1e6 items; J = 3; the exact model), searched
 * on the query histories of {@link BeamSearchBenchmark}. With {@code -prof gc} it is the allocation check: after
 * warm-up a query allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LatticeSearchBenchmark {
    @Param({"100000"})
    int items;
    /**
     * Wide enough that the top paths hold most of the reranker's top 200: about 2,200 items at 1e5 (K = 47); paths hold
     * as many items on average at 1e6 (K = 100).
     */
    @Param({"1000"})
    int beam;
    @Param({"200"})
    int k;

    private LatticeSegment segment;
    private LatticeModelScorer scorer;
    private LatticeSearcher<LatticeModelScorer.User> searcher;
    private ItemCollector collector;
    private LatticeContext<LatticeModelScorer.User> ctx;
    private TopPaths paths;
    private int[] candidates;
    private SearchResult result;
    private int[][] histories;
    private int next;

    @Setup
    public void setUp() throws IOException {
        SyntheticFixture tree = SyntheticFixture.create(items, 2, ModelKind.ATTENTION_DNN, 64);
        LatticeFixture fixture = LatticeFixture.create(tree, SyntheticLattice.shapeFor(items), 3, 0);
        segment = IndexDirectory.openLatestLattice(fixture.directory);
        histories = new int[fixture.histories.length][];
        for (int q = 0; q < histories.length; q++) {
            histories[q] = new int[fixture.histories[q].length];
            for (int i = 0; i < histories[q].length; i++) {
                histories[q][i] = segment.ordinalOf(fixture.histories[q][i]);
            }
        }
        scorer = segment.scorer(Kernels.best());
        searcher = new LatticeSearcher<>(scorer);
        collector = new ItemCollector(segment);
        ctx = searcher.newContext();
        paths = new TopPaths(beam);
        candidates = new int[segment.itemCount()];
        result = new SearchResult(k);
    }

    @TearDown
    public void tearDown() {
        segment.close();
    }

    @Benchmark
    public int search() {
        int[] history = histories[next++ & 63];
        ctx.reset();
        for (int ordinal : history) {
            ctx.excludeOrdinal(ordinal);
        }
        scorer.prepare(ctx.user(), history, history.length);
        searcher.search(ctx, beam, beam, paths);
        int count = collector.collect(ctx, paths, candidates.length, candidates);
        if (count == 0) {
            return 0; // the top paths held only the history
        }
        collector.rerank(ctx, scorer, candidates, count, Math.min(k, count), result);
        return result.count();
    }
}
