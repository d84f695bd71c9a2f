package dev.arbor.search;

import dev.arbor.format.CorruptSegmentException;
import dev.arbor.format.HierarchicalHistory;
import dev.arbor.format.TreeShape;
import dev.arbor.scorer.LevelScorer;
import java.io.UncheckedIOException;

/**
 * Top-down beam search over a tree index (a mapped segment, or a tree in training), and exhaustive scoring of
 * every leaf for comparison.
 *
 * <p>The search starts at the first level with more nodes than the beam (all its non-empty nodes are
 * candidates), keeps the best {@code beam} nodes of each level, scores all their non-empty children as
 * one batch, and at the leaf level returns the best {@code k} items that pass the exclusions and the
 * filter. When the beam is at least the leaf count, every leaf is scored and the result is exactly the
 * brute-force top-k. Training (OTM) runs this same search from a level of its choice and watches the nodes it
 * scores through a {@link LevelVisitor}. Thread-safe: each thread uses its own {@link SearchContext}.
 */
public final class BeamSearcher {
    private static final int BRUTE_FORCE_CHUNK = 4096;
    private final SearchableTree tree;
    private final TreeShape shape;
    private final LevelScorer scorer;
    /** Null when the model reads the leaves of the history at every level. */
    private final HierarchicalHistory hierarchy;

    public BeamSearcher(SearchableTree tree) {
        this.tree = tree;
        this.shape = tree.shape();
        this.scorer = tree.scorer();
        this.hierarchy = tree.hierarchy();
    }

    public SearchContext newContext() {
        return new SearchContext(tree);
    }

    /**
     * Sees the nodes a beam search scores, level by level: OTM trains on exactly these. The arrays are the search's
     * scratch, valid only during the call; the visitor must not change them.
     */
    @FunctionalInterface
    public interface LevelVisitor {
        /** {@code nodes[0 .. count)} were scored on {@code level}, {@code scores[i]} being {@code nodes[i]}'s score. */
        void visit(int level, int[] nodes, float[] scores, int count);
    }

    /** Beam search for the top {@code k} items; {@code beam >= k} is required. */
    public void search(SearchContext ctx, int k, int beam, SearchResult result) {
        checkSearch(ctx, k, beam, result);
        int width = Math.min(beam, shape.leafCount());
        int level = 0;
        while (level < shape.leafLevel() && shape.levelSize(level) <= width) {
            level++;
        }
        beamSearch(ctx, k, width, level, null, result);
    }

    /**
     * Beam search that scores every non-empty node of {@code startLevel} and hands each level's scored nodes to
     * {@code visitor}. {@link #search(SearchContext, int, int, SearchResult)} starts at the first level wider than
     * the beam, as the levels above it would be kept whole; training starts where its samples start.
     */
    public void search(SearchContext ctx, int k, int beam, int startLevel, LevelVisitor visitor, SearchResult result) {
        checkSearch(ctx, k, beam, result);
        if (startLevel < 0 || startLevel > shape.leafLevel()) {
            throw new IllegalArgumentException("start level must be in [0, " + shape.leafLevel() + "], got " + startLevel);
        }
        beamSearch(ctx, k, Math.min(beam, shape.leafCount()), startLevel, visitor, result);
    }

    private void checkSearch(SearchContext ctx, int k, int beam, SearchResult result) {
        checkArguments(ctx, k, result);
        if (beam < k) {
            throw new IllegalArgumentException("beam " + beam + " is narrower than k " + k
                    + ": the leaf level would hold too few candidates; use a beam of at least k");
        }
    }

    /** The search with the beam already clamped to the leaf count. */
    private void beamSearch(SearchContext ctx, int k, int beam, int startLevel, LevelVisitor visitor,
                            SearchResult result) {
        try {
            // A beam or k wider than the tree selects the same nodes as one exactly as wide; clamping keeps
            // an absurd width (say Integer.MAX_VALUE) from sizing buffers after it.
            runBeamSearch(ctx, Math.min(k, shape.itemCount()), beam, startLevel, visitor, result);
        } catch (IndexOutOfBoundsException e) {
            throw corrupt(e);
        }
    }

    /** Scores every item and returns the exact top {@code k} under the same model, exclusions and filter. */
    public void bruteForce(SearchContext ctx, int k, SearchResult result) {
        checkArguments(ctx, k, result);
        try {
            scorer.prepare(ctx.scoring, ctx.historyNodes);
            ctx.scoredNodes = 0;
            ctx.topK(Math.min(k, shape.itemCount()));
            ctx.ensureCandidates(BRUTE_FORCE_CHUNK);
            int n = 0;
            for (int leaf = 0; leaf < shape.leafCount(); leaf++) {
                int ordinal = tree.itemAtLeaf(leaf);
                if (ordinal >= 0 && ctx.accepts(ordinal)) {
                    ctx.candidates[n++] = shape.leafNode(leaf);
                    if (n == BRUTE_FORCE_CHUNK) {
                        scoreInto(ctx, n);
                        n = 0;
                    }
                }
            }
            scoreInto(ctx, n);
            emit(ctx, result);
        } catch (IndexOutOfBoundsException e) {
            throw corrupt(e);
        }
    }

    private void runBeamSearch(SearchContext ctx, int k, int beam, int startLevel, LevelVisitor visitor,
                               SearchResult result) {
        ctx.scoredNodes = 0;
        int leafLevel = shape.leafLevel();
        int level = startLevel;
        int prepared = prepareFor(ctx, level, -1);
        // The first level is taken whole: serving's parent level fits in the beam, training's is above its samples.
        int start = shape.levelStart(level), size = shape.levelSize(level);
        // No level holds more candidates than the leaf level; the long product cannot overflow.
        ctx.ensureCandidates((int) Math.min(Math.max(size, (long) beam * shape.branching()), shape.leafCount()));
        ctx.ensureBeam(beam);
        int n = 0;
        for (int node = start; node < start + size; node++) {
            if (admissible(ctx, node, level == leafLevel)) {
                ctx.candidates[n++] = node;
            }
        }
        while (level < leafLevel) {
            prepared = prepareFor(ctx, level, prepared);
            ctx.topK(beam);
            scoreInto(ctx, n);
            if (visitor != null) {
                visitor.visit(level, ctx.candidates, ctx.candidateScores, n);
            }
            int kept = ctx.topK().size();
            ctx.topK().drain(ctx.beam, ctx.beamScores);
            level++;
            boolean leaves = level == leafLevel;
            n = 0;
            for (int i = 0; i < kept; i++) {
                int first = shape.firstChild(ctx.beam[i]);
                for (int child = first; child < first + shape.branching(); child++) {
                    if (admissible(ctx, child, leaves)) {
                        ctx.candidates[n++] = child;
                    }
                }
            }
        }
        prepareFor(ctx, leafLevel, prepared);
        ctx.topK(k);
        scoreInto(ctx, n);
        if (visitor != null) {
            visitor.visit(leafLevel, ctx.candidates, ctx.candidateScores, n);
        }
        emit(ctx, result);
    }

    /**
     * Prepares the user for scoring nodes of {@code level} unless the history it reads there is the one of
     * {@code prepared} (-1: none yet): once per query for a leaf history, once per history level for a hierarchical
     * one. Returns the history level now prepared.
     */
    private int prepareFor(SearchContext ctx, int level, int prepared) {
        int historyLevel = hierarchy == null ? shape.leafLevel() : hierarchy.historyLevel(level);
        if (historyLevel != prepared) {
            if (historyLevel == shape.leafLevel()) {
                scorer.prepare(ctx.scoring, ctx.historyNodes);
            } else {
                hierarchy.map(ctx.historyNodes, historyLevel, ctx.levelHistory);
                scorer.prepare(ctx.scoring, ctx.levelHistory);
            }
        }
        return historyLevel;
    }

    /** Non-empty, and for a leaf: not excluded and accepted by the filter. */
    private boolean admissible(SearchContext ctx, int node, boolean leaf) {
        if (!tree.nonEmpty(node)) {
            return false;
        }
        return !leaf || ctx.accepts(tree.itemAtLeaf(node - shape.firstLeaf()));
    }

    private void scoreInto(SearchContext ctx, int n) {
        scorer.score(ctx.scoring, ctx.candidates, 0, n, ctx.candidateScores, 0);
        ctx.scoredNodes += n;
        for (int i = 0; i < n; i++) {
            ctx.topK().offer(ctx.candidates[i], ctx.candidateScores[i]);
        }
    }

    private void emit(SearchContext ctx, SearchResult result) {
        int count = ctx.topK().size();
        ctx.ensureBeam(count);
        ctx.topK().drain(ctx.beam, ctx.beamScores);
        result.clear();
        int firstLeaf = shape.firstLeaf();
        for (int i = 0; i < count; i++) {
            int ordinal = tree.itemAtLeaf(ctx.beam[i] - firstLeaf);
            result.add(ordinal, tree.itemId(ordinal), ctx.beamScores[i]);
        }
    }

    private void checkArguments(SearchContext ctx, int k, SearchResult result) {
        if (ctx.tree != tree) {
            throw new IllegalArgumentException("the context belongs to another index");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (result.capacity() < k) {
            throw new IllegalArgumentException("result buffer holds " + result.capacity() + " items, k is " + k);
        }
    }

    private UncheckedIOException corrupt(IndexOutOfBoundsException e) {
        return new UncheckedIOException(new CorruptSegmentException(tree.describe(),
                "a stored value points outside its region (" + e.getMessage() + "); run checkIntegrity()", e));
    }
}
