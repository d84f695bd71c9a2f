package dev.arbor.serve;

import dev.arbor.history.HistoryStore;
import dev.arbor.reader.SearcherManager;
import dev.arbor.reader.SegmentSearcher;
import dev.arbor.search.ItemFilter;
import dev.arbor.search.SearchResult;
import org.agrona.collections.IntHashSet;

/**
 * Runs one retrieval on a worker thread: the user's history (from the store, or given), mapped to the live segment's
 * items, then its search with the exclusions and the filter: the tree's beam search, or the path lattice's top paths
 * reranked, through the generation's {@link SegmentSearcher}. Each worker keeps its query and buffers between requests
 * and builds a new query only when the segment in service changed.
 */
final class Retriever {
    private final LiveIndex index;
    private final HistoryStore histories;
    private final int maxK;
    private final ThreadLocal<Scratch> scratch;

    /**
     * What a retrieval found, and what it was based on; {@code exact} when the filter made it score every item.
     * {@code itemNames} holds each item's name, null for an item with an integer id. {@code scored} is the search's
     * work in the {@code kind}'s unit: nodes scored by a tree, items reranked by a lattice.
     */
    record Answer(long generation, SegmentSearcher.Kind kind, long[] itemIds, String[] itemNames, float[] scores,
                  int historyUsed, int unknownHistoryItems, boolean exact, long scored, long searchNanos) {
    }

    /** One worker's reusable state, tied to the generation it was built for. */
    private static final class Scratch {
        SearcherManager.Searcher searcher;
        SegmentSearcher.Query query;
        final SearchResult result;
        final long[] stored;
        int[] ordinals = new int[256];

        Scratch(int maxK, int historyLength) {
            result = new SearchResult(maxK);
            stored = new long[historyLength];
        }
    }

    Retriever(LiveIndex index, HistoryStore histories, int maxK) {
        this.index = index;
        this.histories = histories;
        this.maxK = maxK;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(maxK, histories.historyLength()));
    }

    Answer retrieve(Requests.RetrieveRequest request) throws ErrorResponse {
        if (request.k() > maxK) {
            throw ErrorResponse.field("k", "must be at most " + maxK + ", got " + request.k());
        }
        SearcherManager.Searcher searcher = index.acquire();
        try {
            Scratch s = scratch.get();
            SegmentSearcher segment = searcher.searcher();
            if (s.searcher != searcher) {
                s.searcher = searcher;
                s.query = segment.newQuery();
            }
            long[] ids = request.history();
            int count = ids == null ? histories.read(request.userId(), s.stored) : ids.length;
            if (ids == null) {
                ids = s.stored;
            }
            if (s.ordinals.length < count) {
                s.ordinals = new int[count];
            }
            int known = 0;
            for (int i = 0; i < count; i++) {
                int ordinal = segment.ordinalOf(ids[i]);
                if (ordinal >= 0) {
                    s.ordinals[known++] = ordinal;
                }
            }
            SegmentSearcher.Query query = s.query.reset().history(s.ordinals, known);
            if (request.excludeHistory()) {
                for (int i = 0; i < known; i++) {
                    query.excludeOrdinal(s.ordinals[i]);
                }
            }
            exclude(query, segment, request.exclude());
            if (request.deny() != null) {
                exclude(query, segment, request.deny());
            }
            ItemFilter filter = filter(request, segment);
            query.filter(filter);
            long t = System.nanoTime();
            query.search(request.k(), request.beam(), s.result);
            long scored = query.scored();
            boolean exact = filter != null && s.result.count() < request.k();
            if (exact) {
                // The filter left the beam's items short of k: score every admissible item instead, as Lucene's
                // filtered vector search falls back to an exact search.
                query.bruteForce(request.k(), s.result);
                scored += query.scored();
            }
            long searchNanos = System.nanoTime() - t;
            long[] items = new long[s.result.count()];
            String[] names = new String[items.length];
            float[] scores = new float[items.length];
            for (int i = 0; i < items.length; i++) {
                items[i] = s.result.itemId(i);
                names[i] = segment.itemName(s.result.ordinal(i));
                scores[i] = s.result.score(i);
            }
            return new Answer(searcher.generation(), segment.kind(), items, names, scores,
                    Math.min(known, segment.historyLength()), count - known, exact, scored, searchNanos);
        } finally {
            index.release(searcher);
        }
    }

    /** Excludes the items of {@code ids} that the segment holds: an unknown one cannot be returned anyway. */
    private static void exclude(SegmentSearcher.Query query, SegmentSearcher segment, long[] ids) {
        for (long id : ids) {
            int ordinal = segment.ordinalOf(id);
            if (ordinal >= 0) {
                query.excludeOrdinal(ordinal);
            }
        }
    }

    /** The request's allow list and categories as one filter; null when it has neither. */
    private static ItemFilter filter(Requests.RetrieveRequest request, SegmentSearcher segment) throws ErrorResponse {
        IntHashSet allowed = null;
        if (request.allow() != null) {
            allowed = new IntHashSet(Math.max(8, request.allow().length * 2));
            for (long id : request.allow()) {
                int ordinal = segment.ordinalOf(id);
                if (ordinal >= 0) {
                    allowed.add(ordinal);
                }
            }
        }
        boolean[] categories = null;
        if (request.categories() != null) {
            if (segment.categoryCount() == 0) {
                throw ErrorResponse.field("filter.categories", "the index in service holds no item categories");
            }
            categories = new boolean[segment.categoryCount()];
            String[] names = request.categories();
            for (int i = 0; i < names.length; i++) {
                int c = segment.categoryOrdinal(names[i]);
                if (c < 0) {
                    throw ErrorResponse.field("filter.categories[" + i + "]", "unknown category \"" + names[i]
                            + "\"");
                }
                categories[c] = true;
            }
        }
        if (allowed == null && categories == null) {
            return null;
        }
        IntHashSet allow = allowed;
        boolean[] mask = categories;
        return (ordinal, itemId) -> (allow == null || allow.contains(ordinal))
                && (mask == null || accepts(mask, segment.categoryOf(ordinal)));
    }

    private static boolean accepts(boolean[] mask, int category) {
        return category >= 0 && mask[category];
    }
}
