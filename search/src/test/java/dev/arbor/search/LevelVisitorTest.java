package dev.arbor.search;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.TreeShape;
import dev.arbor.scorer.LevelScorer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a {@link BeamSearcher.LevelVisitor} sees against what the search scores, on a tree with fixed node scores. */
class LevelVisitorTest {

    @Test
    void theVisitorSeesExactlyTheNodesTheSearchScores() {
        FakeTree tree = new FakeTree(new TreeShape(3, 6, 100));
        BeamSearcher searcher = new BeamSearcher(tree);
        SearchContext ctx = searcher.newContext();
        SearchResult result = new SearchResult(5);
        for (int start = 0; start <= tree.shape().leafLevel(); start++) {
            tree.scorer.calls.clear();
            List<int[]> visits = new ArrayList<>();
            List<Integer> levels = new ArrayList<>();
            searcher.search(ctx, 5, 7, start, (level, nodes, scores, count) -> {
                levels.add(level);
                visits.add(Arrays.copyOf(nodes, count));
                for (int i = 0; i < count; i++) {
                    assertEquals(FakeScorer.score(nodes[i]), scores[i], "score of node " + nodes[i]);
                }
            }, result);
            assertEquals(tree.scorer.calls.size(), visits.size(), "one visit per scoring call, from level " + start);
            long scored = 0;
            for (int i = 0; i < visits.size(); i++) {
                assertArrayEquals(tree.scorer.calls.get(i), visits.get(i), "level " + levels.get(i));
                assertEquals(start + i, levels.get(i), "levels in order from the start level");
                int level = levels.get(i);
                for (int node : visits.get(i)) {
                    assertTrue(node >= tree.shape().levelStart(level) && node < tree.shape().levelStart(level + 1),
                            "node " + node + " is on level " + level);
                }
                scored += visits.get(i).length;
            }
            assertEquals(ctx.scoredNodes(), scored);
            assertEquals(tree.shape().leafLevel(), levels.get(levels.size() - 1), "the leaves are visited last");
            // The start level is scored whole: every non-empty node of it.
            long nonEmpty = java.util.stream.IntStream.range(tree.shape().levelStart(start),
                    tree.shape().levelStart(start + 1)).filter(tree::nonEmpty).count();
            assertEquals(nonEmpty, visits.get(0).length, "start level " + start);
        }
    }

    @Test
    void searchingFromTheServingStartLevelGivesTheServingResult() {
        FakeTree tree = new FakeTree(new TreeShape(2, 9, 120));
        BeamSearcher searcher = new BeamSearcher(tree);
        SearchContext ctx = searcher.newContext();
        SearchResult serving = new SearchResult(10), visited = new SearchResult(10), fromRoot = new SearchResult(10);
        searcher.search(ctx, 10, 20, serving);
        long servingWork = ctx.scoredNodes();
        int firstWide = 5; // 2^5 = 32 nodes is the first level wider than 20
        int[] seen = new int[1];
        searcher.search(ctx, 10, 20, firstWide, (level, nodes, scores, count) -> seen[0] += count, visited);
        assertEquals(servingWork, ctx.scoredNodes());
        assertEquals(servingWork, seen[0]);
        searcher.search(ctx, 10, 20, 0, null, fromRoot);
        long narrow = java.util.stream.IntStream.range(0, tree.shape().levelStart(firstWide)).filter(tree::nonEmpty).count();
        assertEquals(servingWork + narrow, ctx.scoredNodes(), "the narrow levels add their non-empty nodes");
        for (int i = 0; i < 10; i++) {
            assertEquals(serving.ordinal(i), visited.ordinal(i));
            assertEquals(serving.ordinal(i), fromRoot.ordinal(i));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> searcher.search(ctx, 10, 20, 9, null, visited));
        assertEquals("start level must be in [0, 8], got 9", e.getMessage());
    }

    /**
     * With a hierarchical history every level is scored against the history's ancestors on the level it reads, and the
     * user is prepared once per history level, not once per level.
     */
    @Test
    void aHierarchicalHistoryIsPreparedOncePerHistoryLevel() {
        FakeTree tree = new FakeTree(new TreeShape(2, 9, 120));
        tree.hierarchy = new dev.arbor.format.HierarchicalHistory(tree.shape(), 5);
        BeamSearcher searcher = new BeamSearcher(tree);
        SearchContext ctx = searcher.newContext();
        int[] leaves = {tree.shape().leafNode(0), -1, tree.shape().leafNode(37)};
        ctx.historyNodes(leaves);
        List<Integer> levels = new ArrayList<>();
        searcher.search(ctx, 5, 8, 2, (level, nodes, scores, count) -> levels.add(level), new SearchResult(5));
        // Levels 2..5 read level 5; 6, 7 and 8 read their own.
        assertEquals(List.of(2, 3, 4, 5, 6, 7, 8), levels);
        assertEquals(4, tree.scorer.prepared.size(), "one prepare per history level: 5, 6, 7, 8");
        int[] expected = new int[3];
        for (int i = 0; i < 4; i++) {
            tree.hierarchy.map(leaves, 5 + i, expected);
            assertArrayEquals(expected, tree.scorer.prepared.get(i), "history read on level " + (5 + i));
        }
        assertArrayEquals(leaves, tree.scorer.prepared.get(3), "the leaves read the leaves");
        // Each batch was scored after the prepare of the level it reads.
        assertEquals(List.of(0, 0, 0, 0, 1, 2, 3), tree.scorer.preparedAtCall);
    }

    /** Scores each node by a fixed hash, and records every batch it is asked to score and every history prepared. */
    static final class FakeScorer implements LevelScorer {
        final List<int[]> calls = new ArrayList<>();
        final List<int[]> prepared = new ArrayList<>();
        /** For each scoring call, the index of the last prepare before it. */
        final List<Integer> preparedAtCall = new ArrayList<>();

        static float score(int node) {
            return (node * 0x9E3779B9 >>> 8) / (float) (1 << 24);
        }

        @Override
        public User newUser() {
            return new User() {
            };
        }

        @Override
        public int historyLength() {
            return 3;
        }

        @Override
        public void prepare(User user, int[] historyNodes) {
            prepared.add(historyNodes.clone());
        }

        @Override
        public void score(User user, int[] nodes, int from, int count, float[] out, int outOff) {
            calls.add(Arrays.copyOfRange(nodes, from, from + count));
            preparedAtCall.add(prepared.size() - 1);
            for (int i = 0; i < count; i++) {
                out[outOff + i] = score(nodes[from + i]);
            }
        }
    }

    /** Items on every other leaf, so that some nodes are empty. */
    static final class FakeTree implements SearchableTree {
        private final TreeShape shape;
        final FakeScorer scorer = new FakeScorer();
        dev.arbor.format.HierarchicalHistory hierarchy;

        FakeTree(TreeShape shape) {
            this.shape = shape;
            assertTrue(2 * shape.itemCount() <= shape.leafCount(), "test setup: room for a gap after every item");
        }

        @Override
        public TreeShape shape() {
            return shape;
        }

        @Override
        public LevelScorer scorer() {
            return scorer;
        }

        @Override
        public boolean nonEmpty(int node) {
            int first = node, last = node;
            while (first < shape.firstLeaf()) {
                first = shape.firstChild(first);
                last = shape.firstChild(last) + shape.branching() - 1;
            }
            int from = first - shape.firstLeaf(), to = last - shape.firstLeaf();
            int firstEven = from + from % 2;
            return firstEven <= to && firstEven < 2 * shape.itemCount();
        }

        @Override
        public int itemAtLeaf(int leaf) {
            return leaf % 2 == 0 && leaf / 2 < shape.itemCount() ? leaf / 2 : -1;
        }

        @Override
        public int leafOf(int ordinal) {
            return 2 * ordinal;
        }

        @Override
        public int itemCount() {
            return shape.itemCount();
        }

        @Override
        public long itemId(int ordinal) {
            return ordinal;
        }

        @Override
        public int ordinalOf(long itemId) {
            return itemId >= 0 && itemId < shape.itemCount() ? (int) itemId : -1;
        }

        @Override
        public dev.arbor.format.HierarchicalHistory hierarchy() {
            return hierarchy;
        }

        @Override
        public String describe() {
            return "fake tree";
        }
    }
}
