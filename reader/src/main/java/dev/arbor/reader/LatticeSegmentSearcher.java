package dev.arbor.reader;

import dev.arbor.lattice.ItemCollector;
import dev.arbor.lattice.LatticeContext;
import dev.arbor.lattice.LatticeModelScorer;
import dev.arbor.lattice.LatticeSearcher;
import dev.arbor.lattice.TopPaths;
import dev.arbor.scorer.Kernels;
import dev.arbor.search.ItemFilter;
import dev.arbor.search.SearchResult;

/**
 * A path-lattice segment (Deep Retrieval) as a {@link SegmentSearcher}: a search ranks the top {@code beam} paths with
 * the {@link LatticeSearcher}, collects every admissible item on them with the {@link ItemCollector} and reranks
 * them; brute force is the reranker over every admissible item. The model is set up once per segment.
 */
final class LatticeSegmentSearcher extends SegmentSearcher {
    /** The candidate buffer a query starts with; it doubles whenever the top paths hold more. */
    private static final int FIRST_CANDIDATES = 1024;
    private static final int[] NO_HISTORY = new int[0];
    private final LatticeSegment segment;
    private final LatticeModelScorer scorer;
    private final LatticeSearcher<LatticeModelScorer.User> searcher;
    private final ItemCollector collector;

    LatticeSegmentSearcher(LatticeSegment segment) {
        super(segment.directory(), segment.items(), segment.properties());
        this.segment = segment;
        try {
            this.scorer = segment.scorer(Kernels.best());
        } catch (IllegalArgumentException e) {
            // A model the format allows but the scorer cannot run, such as windows other than the history layout's.
            throw new IllegalArgumentException(describe() + ": its model cannot be served: " + e.getMessage(), e);
        }
        this.searcher = new LatticeSearcher<>(scorer);
        this.collector = new ItemCollector(segment);
    }

    @Override
    public Kind kind() {
        return Kind.PATH_LATTICE;
    }

    @Override
    public int historyLength() {
        return scorer.historyLength();
    }

    @Override
    public int itemCount() {
        return segment.itemCount();
    }

    @Override
    public Query newQuery() {
        return new LatticeQuery(searcher.newContext());
    }

    @Override
    public void close() {
        segment.close();
    }

    private final class LatticeQuery implements Query {
        private final LatticeContext<LatticeModelScorer.User> ctx;
        private TopPaths paths = new TopPaths(1);
        private int[] candidates = new int[Math.min(FIRST_CANDIDATES, segment.itemCount())];
        /** Whether the user was prepared since the last reset. */
        private boolean prepared;
        private long scored;

        LatticeQuery(LatticeContext<LatticeModelScorer.User> ctx) {
            this.ctx = ctx;
        }

        @Override
        public Query reset() {
            ctx.reset();
            prepared = false;
            return this;
        }

        @Override
        public Query history(int[] ordinals, int count) {
            if (count < 0 || count > ordinals.length) {
                throw new IllegalArgumentException("history count must be in [0, " + ordinals.length + "] (the array's"
                        + " length), got " + count);
            }
            scorer.prepare(ctx.user(), ordinals, count);
            prepared = true;
            return this;
        }

        @Override
        public Query excludeOrdinal(int ordinal) {
            if (ordinal < 0 || ordinal >= segment.itemCount()) {
                throw new IllegalArgumentException("item ordinal " + ordinal + " outside [0, " + segment.itemCount() + ")");
            }
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
            if (beam < 1) {
                throw new IllegalArgumentException("beam must be >= 1 path, got " + beam);
            }
            prepareEmptyUnlessSet();
            // The result holds at most every path; clamping keeps an absurd beam from sizing the buffer after it.
            int n = (int) Math.min(beam, segment.lattice().keySpace());
            if (paths.capacity() < n) {
                paths = new TopPaths(n);
            }
            searcher.search(ctx, n, beam, paths);
            int count = collectAll();
            collector.rerank(ctx, scorer, candidates, count, k, result);
            scored = count;
        }

        @Override
        public void bruteForce(int k, SearchResult result) {
            prepareEmptyUnlessSet();
            scored = collector.rerankAll(ctx, scorer, k, result);
        }

        @Override
        public long scored() {
            return scored;
        }

        /** A query without a history is a user with no behaviours, as for the tree. */
        private void prepareEmptyUnlessSet() {
            if (!prepared) {
                history(NO_HISTORY, 0);
            }
        }

        /** Every admissible item on the top paths: the buffer doubles until it holds them all. */
        private int collectAll() {
            while (true) {
                int count = collector.collect(ctx, paths, candidates.length, candidates);
                if (count < candidates.length || candidates.length == segment.itemCount()) {
                    return count;
                }
                candidates = new int[(int) Math.min(segment.itemCount(), 2L * candidates.length)];
            }
        }
    }
}
