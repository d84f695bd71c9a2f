package dev.arbor.reader;

import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;

/** Search answers as plain arrays, so tests can compare, store and look them up. */
final class Answers {
    private Answers() {
    }

    /** Item ids and raw score bits of every result, in rank order, one result set after the other. */
    static long[] of(SearchResult... results) {
        int n = 0;
        for (SearchResult r : results) {
            n += 2 * r.count();
        }
        long[] out = new long[n];
        int at = 0;
        for (SearchResult r : results) {
            for (int i = 0; i < r.count(); i++) {
                out[at++] = r.itemId(i);
                out[at++] = Float.floatToRawIntBits(r.score(i));
            }
        }
        return out;
    }

    /**
     * A search through {@code query}, a query of {@code searcher}, for a history of item ids, most recent last; the ids
     * the segment does not hold are left out, as the server leaves them out.
     */
    static long[] search(SegmentSearcher searcher, SegmentSearcher.Query query, long[] history, int k, int beam,
                         SearchResult result) {
        int[] ordinals = new int[history.length];
        int known = 0;
        for (long id : history) {
            int ordinal = searcher.ordinalOf(id);
            if (ordinal >= 0) {
                ordinals[known++] = ordinal;
            }
        }
        query.reset().history(ordinals, known).search(k, beam, result);
        return of(result);
    }

    /** A beam search of {@code segment} for a history of item ids, most recent last. */
    static long[] search(TreeSegment segment, long[] history, int k, int beam) {
        BeamSearcher searcher = new BeamSearcher(segment);
        SearchContext ctx = searcher.newContext().history(history, history.length);
        SearchResult result = new SearchResult(k);
        searcher.search(ctx, k, beam, result);
        return of(result);
    }
}
