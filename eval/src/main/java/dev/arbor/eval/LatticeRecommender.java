package dev.arbor.eval;

import dev.arbor.dataset.HeldOutUsers;
import dev.arbor.lattice.ItemCollector;
import dev.arbor.lattice.LatticeContext;
import dev.arbor.lattice.LatticeModelScorer;
import dev.arbor.lattice.LatticeSearcher;
import dev.arbor.lattice.TopPaths;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.scorer.Kernels;
import dev.arbor.search.SearchResult;

/**
 * A served path-lattice segment (Deep Retrieval) as a {@link Recommender}, through the real reader and the serving
 * code: beam search for the top paths, their items collected (the user's input excluded) and reranked; or, for
 * comparison, the reranker's brute force over every item, the ceiling that the paths' recall is held to.
 */
public final class LatticeRecommender implements Recommender {
    private final LatticeSegment segment;
    private final LatticeModelScorer scorer;
    private final LatticeSearcher<LatticeModelScorer.User> searcher;
    private final ItemCollector collector;
    private final ThreadLocal<State> states;
    private final int beam;
    private final String name;

    /** One thread's query state. */
    private final class State {
        final LatticeContext<LatticeModelScorer.User> ctx = searcher.newContext();
        final TopPaths paths = new TopPaths(Math.max(1, beam));
        final int[] candidates = new int[segment.itemCount()];
    }

    private LatticeRecommender(LatticeSegment segment, int beam, String name) {
        this.segment = segment;
        this.scorer = segment.scorer(Kernels.best());
        this.searcher = new LatticeSearcher<>(scorer);
        this.collector = new ItemCollector(segment);
        this.states = ThreadLocal.withInitial(State::new);
        this.beam = beam;
        this.name = name;
    }

    /** The top {@code beam} paths' items, every one of them, reranked. */
    public static LatticeRecommender beam(LatticeSegment segment, int beam, String name) {
        if (beam < 1) {
            throw new IllegalArgumentException("beam must be >= 1, got " + beam);
        }
        return new LatticeRecommender(segment, beam, name);
    }

    /** The reranker over every item: what the paths would give if they held the reranker's whole top K. */
    public static LatticeRecommender rerankBruteForce(LatticeSegment segment, String name) {
        return new LatticeRecommender(segment, 0, name);
    }

    @Override
    public int[] recommend(int[] input, int k) {
        State s = states.get();
        LatticeContext<LatticeModelScorer.User> ctx = s.ctx.reset();
        for (int item : input) {
            ctx.excludeOrdinal(item);
        }
        scorer.prepare(ctx.user(), input, input.length);
        SearchResult result = new SearchResult(k);
        if (beam == 0) {
            collector.rerankAll(ctx, scorer, k, result);
        } else {
            searcher.search(ctx, beam, beam, s.paths);
            int count = collector.collect(ctx, s.paths, s.candidates.length, s.candidates);
            collector.rerank(ctx, scorer, s.candidates, count, k, result);
        }
        int[] ranked = new int[result.count()];
        for (int i = 0; i < ranked.length; i++) {
            ranked[i] = result.ordinal(i);
        }
        return ranked;
    }

    /**
     * The mean number of items the top {@code beam} paths hand the reranker for {@code users} (their input excluded):
     * the reranking's work per query, which the path sizes decide.
     */
    public static double meanCandidates(LatticeSegment segment, HeldOutUsers users, int beam) {
        LatticeRecommender r = beam(segment, beam, "candidates");
        State s = r.states.get();
        long total = 0;
        for (int u = 0; u < users.size(); u++) {
            int[] input = users.input(u);
            s.ctx.reset();
            for (int item : input) {
                s.ctx.excludeOrdinal(item);
            }
            r.scorer.prepare(s.ctx.user(), input, input.length);
            r.searcher.search(s.ctx, beam, beam, s.paths);
            total += r.collector.collect(s.ctx, s.paths, s.candidates.length, s.candidates);
        }
        return users.size() == 0 ? 0 : (double) total / users.size();
    }

    /** Input items are already excluded inside the search. */
    @Override
    public Recommender excludingInput() {
        return this;
    }

    @Override
    public String name() {
        return name;
    }
}
