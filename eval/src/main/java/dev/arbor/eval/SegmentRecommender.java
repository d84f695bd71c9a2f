package dev.arbor.eval;

import dev.arbor.reader.TreeSegment;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import dev.arbor.eval.Recommender;

/**
 * A served segment as a {@link Recommender}: beam search (or brute force over every item) through the
 * real reader, with the user's input items excluded inside the search as a server would. Item ordinals
 * of the segment equal the interaction log's when the segment was trained from that log.
 */
public final class SegmentRecommender implements Recommender {
    private final BeamSearcher searcher;
    private final ThreadLocal<SearchContext> contexts;
    private final int beam;
    private final String name;

    private SegmentRecommender(TreeSegment segment, int beam, String name) {
        this.searcher = new BeamSearcher(segment);
        this.contexts = ThreadLocal.withInitial(searcher::newContext);
        this.beam = beam;
        this.name = name;
    }

    /** Beam search of width {@code beam}. */
    public static SegmentRecommender beam(TreeSegment segment, int beam, String name) {
        if (beam < 1) {
            throw new IllegalArgumentException("beam must be >= 1, got " + beam);
        }
        return new SegmentRecommender(segment, beam, name);
    }

    /** Exhaustive scoring of every item by the same model. */
    public static SegmentRecommender bruteForce(TreeSegment segment, String name) {
        return new SegmentRecommender(segment, 0, name);
    }

    @Override
    public int[] recommend(int[] input, int k) {
        SearchContext ctx = contexts.get().reset().historyOrdinals(input, input.length);
        for (int item : input) {
            ctx.excludeOrdinal(item);
        }
        SearchResult result = new SearchResult(k);
        if (beam == 0) {
            searcher.bruteForce(ctx, k, result);
        } else {
            searcher.search(ctx, k, Math.max(k, beam), result);
        }
        int[] ranked = new int[result.count()];
        for (int i = 0; i < ranked.length; i++) {
            ranked[i] = result.ordinal(i);
        }
        return ranked;
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
