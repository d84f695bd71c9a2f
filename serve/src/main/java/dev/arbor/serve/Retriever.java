package dev.arbor.serve;

import dev.arbor.history.HistoryStore;
import dev.arbor.reader.SearcherManager;
import dev.arbor.reader.TreeSegment;
import dev.arbor.search.ItemFilter;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import org.agrona.collections.IntHashSet;

/**
 * Runs one retrieval on a worker thread: the user's history (from the store, or given), mapped to the live segment's
 * items, then beam search with the exclusions and the filter. Each worker keeps its search context and buffers
 * between requests and builds new ones only when the segment in service changed.
 */
final class Retriever {
    private final LiveIndex index;
    private final HistoryStore histories;
    private final int maxK;
    private final ThreadLocal<Scratch> scratch;

    /**
     * What a retrieval found, and what it was based on; {@code exact} when the filter made it score every item.
     * {@code itemNames} holds each item's name, null for an item with an integer id.
     */
    record Answer(long generation, long[] itemIds, String[] itemNames, float[] scores, int historyUsed, int unknownHistoryItems,
                  boolean exact, long scoredNodes, long searchNanos) {
    }

    /** One worker's reusable state, tied to the searcher it was built for. */
    private static final class Scratch {
        SearcherManager.Searcher searcher;
        SearchContext context;
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
            if (s.searcher != searcher) {
                s.searcher = searcher;
                s.context = searcher.searcher().newContext();
            }
            TreeSegment segment = searcher.segment();
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
            SearchContext ctx = s.context.reset().historyOrdinals(s.ordinals, known);
            if (request.excludeHistory()) {
                for (int i = 0; i < known; i++) {
                    ctx.excludeOrdinal(s.ordinals[i]);
                }
            }
            for (long id : request.exclude()) {
                ctx.exclude(id);
            }
            if (request.deny() != null) {
                for (long id : request.deny()) {
                    ctx.exclude(id);
                }
            }
            ItemFilter filter = filter(request, segment);
            ctx.filter(filter);
            long t = System.nanoTime();
            searcher.searcher().search(ctx, request.k(), request.beam(), s.result);
            long scored = ctx.scoredNodes();
            boolean exact = filter != null && s.result.count() < request.k();
            if (exact) {
                // The filter left the beam's leaves short of k: score every admissible item instead, as Lucene's
                // filtered vector search falls back to an exact search.
                searcher.searcher().bruteForce(ctx, request.k(), s.result);
                scored += ctx.scoredNodes();
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
            int historyLength = segment.scorer().historyLength();
            return new Answer(searcher.generation(), items, names, scores, Math.min(known, historyLength), count - known, exact,
                    scored, searchNanos);
        } finally {
            index.release(searcher);
        }
    }

    /** The request's allow list and categories as one filter; null when it has neither. */
    private static ItemFilter filter(Requests.RetrieveRequest request, TreeSegment segment) throws ErrorResponse {
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
