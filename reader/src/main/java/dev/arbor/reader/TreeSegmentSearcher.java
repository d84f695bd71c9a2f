package dev.arbor.reader;

import dev.arbor.search.BeamSearcher;
import dev.arbor.search.ItemFilter;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;

/** A tree segment as a {@link SegmentSearcher}: a query is a {@link SearchContext} of the {@link BeamSearcher}. */
final class TreeSegmentSearcher extends SegmentSearcher {
    private final TreeSegment segment;
    private final BeamSearcher searcher;

    TreeSegmentSearcher(TreeSegment segment) {
        super(segment.directory(), segment.items(), segment.properties());
        this.segment = segment;
        this.searcher = new BeamSearcher(segment);
    }

    @Override
    public Kind kind() {
        return Kind.TREE;
    }

    @Override
    public int historyLength() {
        return segment.scorer().historyLength();
    }

    @Override
    public int itemCount() {
        return segment.itemCount();
    }

    @Override
    public Query newQuery() {
        return new TreeQuery(searcher.newContext());
    }

    @Override
    public void close() {
        segment.close();
    }

    private final class TreeQuery implements Query {
        private final SearchContext ctx;

        TreeQuery(SearchContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Query reset() {
            ctx.reset();
            return this;
        }

        @Override
        public Query history(int[] ordinals, int count) {
            ctx.historyOrdinals(ordinals, count);
            return this;
        }

        @Override
        public Query excludeOrdinal(int ordinal) {
            ctx.excludeOrdinal(ordinal);
            return this;
        }

        @Override
        public Query filter(ItemFilter filter) {
            ctx.filter(filter);
            return this;
        }

        @Override
        public void search(int k, int beam, SearchResult result) {
            searcher.search(ctx, k, beam, result);
        }

        @Override
        public void bruteForce(int k, SearchResult result) {
            searcher.bruteForce(ctx, k, result);
        }

        @Override
        public long scored() {
            return ctx.scoredNodes();
        }
    }
}
