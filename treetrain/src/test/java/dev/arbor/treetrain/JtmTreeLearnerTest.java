package dev.arbor.treetrain;

import dev.arbor.format.TreeShape;
import dev.arbor.scorer.LevelScorer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JTM's tree learning on trees small enough to work out by hand, and its invariants on random ones. */
class JtmTreeLearnerTest {

    /** A model whose score of a node depends only on the user, written into the history's first slot. */
    record TableScorer(double[][] scores) implements LevelScorer {
        static final class U implements User {
            int user;
        }

        @Override
        public User newUser() {
            return new U();
        }

        @Override
        public int historyLength() {
            return 3;
        }

        @Override
        public void prepare(User user, int[] historyNodes) {
            ((U) user).user = historyNodes[0];
        }

        @Override
        public void score(User user, int[] nodes, int from, int count, float[] out, int outOff) {
            for (int i = 0; i < count; i++) {
                out[outOff + i] = (float) scores[((U) user).user][nodes[from + i]];
            }
        }
    }

    /** Item {@code i}'s samples are the users in {@code users[i]}. */
    record Samples(int[][] users) implements JtmTreeLearner.ItemSamples {
        @Override
        public int count(int item) {
            return users[item].length;
        }

        @Override
        public void history(int item, int k, int[] out) {
            Arrays.fill(out, -1);
            out[0] = users[item][k];
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        return a;
    }

    private static double logSigmoid(double s) {
        return Math.log(1 / (1 + Math.exp(-s)));
    }

    /**
     * Seven items on a 4-level binary tree, item i at leaf i, so leaf 7 (under node 6) is free. Item 0 has one sample,
     * of a user who scores node 1 at 1, node 2 at 0, nodes 3 and 4 at -3, node 5 at 0 and node 6 at 2; the other items
     * have none. With d = 2 item 0's objective is logσ(1) + logσ(-3) = -3.36 under nodes 3 and 4, logσ(0) + logσ(0) =
     * -1.39 under node 5 and logσ(0) + logσ(2) = -0.82 under node 6, the best: it moves to node 6's free leaf. With
     * d = 1 level 1 alone prefers node 1, and under it nodes 3 and 4 tie, so it keeps its old node and leaf.
     */
    @Test
    void theGapDecidesAndThePathSumIsTheObjective() {
        TreeShape shape = TreeShape.forItems(2, 7);
        assertEquals(3, shape.leafLevel());
        double[][] scores = {{0, 1, 0, -3, -3, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0}};
        Samples samples = new Samples(new int[][] {{0}, {}, {}, {}, {}, {}, {}});
        for (int threads : new int[] {1, 3}) {
            JtmTreeLearner.Result two = JtmTreeLearner.learn(shape, identity(7), new TableScorer(scores), samples, 2,
                    threads, m -> { });
            assertArrayEquals(new int[] {7, 1, 2, 3, 4, 5, 6}, two.itemToLeaf(), "d = 2, " + threads + " threads");
            assertEquals(logSigmoid(0) + logSigmoid(2), two.objective(), 1e-5);
            assertEquals(1, two.moved());
            assertEquals(6, two.nodeScores(), "one sample scores nodes 1-2 and 3-6 once");

            JtmTreeLearner.Result one = JtmTreeLearner.learn(shape, identity(7), new TableScorer(scores), samples, 1,
                    threads, m -> { });
            assertArrayEquals(identity(7), one.itemToLeaf(), "d = 1, " + threads + " threads");
            assertEquals(logSigmoid(1) + logSigmoid(-3), one.objective(), 1e-5);
        }
    }

    /**
     * Seven items, item i at leaf i: node 6 (leaves 6 and 7) holds item 6 and has room for one more. Items 0, 1 and 2
     * all want node 6 most, item 1 with the highest objective, and their own old node next. The old member keeps its
     * place, item 1 takes the free leaf, and items 0 and 2 go back to their next best nodes and their old leaves.
     */
    @Test
    void anOverfullNodeKeepsItsOldItemsThenTheBestObjectives() {
        TreeShape shape = TreeShape.forItems(2, 7);
        double[][] scores = new double[3][15];
        for (double[] row : scores) {
            Arrays.fill(row, -4);
            row[1] = 0;
            row[2] = 0;
        }
        scores[0][6] = 1;
        scores[0][3] = 0.5;
        scores[1][6] = 3;
        scores[1][3] = 0.5;
        scores[2][6] = 2;
        scores[2][4] = 0.7;
        Samples samples = new Samples(new int[][] {{0}, {1}, {2}, {}, {}, {}, {}});
        JtmTreeLearner.Result r = JtmTreeLearner.learn(shape, identity(7), new TableScorer(scores), samples, 2, 1,
                m -> { });
        assertArrayEquals(new int[] {0, 7, 2, 3, 4, 5, 6}, r.itemToLeaf());
        assertEquals(3 * logSigmoid(0) + logSigmoid(0.5) + logSigmoid(3) + logSigmoid(0.7), r.objective(), 1e-5);
    }

    @Test
    void capacityHoldsTheResultIsStableAndTheThreadCountDoesNotMatter() {
        for (int b : new int[] {2, 3}) {
            for (int gap : new int[] {1, 2, 3}) {
                SplittableRandom r = new SplittableRandom(b * 10 + gap);
                int items = 150;
                TreeShape shape = TreeShape.forItems(b, items);
                double[][] scores = new double[12][shape.nodeCount()];
                for (double[] row : scores) {
                    for (int n = 0; n < row.length; n++) {
                        row[n] = r.nextDouble(-3, 3);
                    }
                }
                int[][] users = new int[items][];
                for (int i = 0; i < items; i++) {
                    users[i] = r.ints(r.nextInt(4), 0, 12).toArray();
                }
                int[] old = shuffledLeaves(shape, items, r);
                JtmTreeLearner.Result one = JtmTreeLearner.learn(shape, old, new TableScorer(scores), new Samples(users),
                        gap, 1, m -> { });
                JtmTreeLearner.Result four = JtmTreeLearner.learn(shape, old, new TableScorer(scores), new Samples(users),
                        gap, 4, m -> { });
                assertArrayEquals(one.itemToLeaf(), four.itemToLeaf(), "B " + b + ", d " + gap);
                assertEquals(one.objective(), four.objective(), 1e-9);
                assertPermutationOfDistinctLeaves(one.itemToLeaf(), shape);
                assertTrue(one.objective() >= objectiveOf(old, shape, scores, users, gap) - 1e-6,
                        "on these trees, learning does not lower the objective it maximises");
            }
        }
    }

    @Test
    void rebalancingIsStableUnderCapacity() {
        SplittableRandom r = new SplittableRandom(4);
        for (int trial = 0; trial < 50; trial++) {
            int width = 1 + r.nextInt(8), capacity = 1 + r.nextInt(5);
            int n = r.nextInt(width * capacity + 1);
            float[] objective = new float[n * width];
            for (int i = 0; i < objective.length; i++) {
                objective[i] = r.nextInt(4) == 0 ? 0 : (float) r.nextDouble(-5, 0);
            }
            int[] old = r.ints(n, -1, width).toArray();
            int[] chosen = Rebalancer.assign(objective, width, old, capacity);
            int[] load = new int[width];
            for (int c : chosen) {
                load[c]++;
            }
            for (int c = 0; c < width; c++) {
                assertTrue(load[c] <= capacity, "node " + c + " holds " + load[c]);
            }
            // No blocking pair: a node an item prefers to its own is full of items that node ranks above it.
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < width; c++) {
                    if (c == chosen[i] || !Rebalancer.prefers(objective, width, old[i], i, c, chosen[i])) {
                        continue;
                    }
                    assertEquals(capacity, load[c], "item " + i + " prefers node " + c + " which has room");
                    for (int j = 0; j < n; j++) {
                        if (chosen[j] == c) {
                            assertTrue(Rebalancer.stronger(objective, width, old, c, j, i) > 0,
                                    "node " + c + " would rather have item " + i + " than " + j);
                        }
                    }
                }
            }
        }
    }

    @Test
    void badGapsAreRefused() {
        TreeShape shape = TreeShape.forItems(2, 7);
        TableScorer scorer = new TableScorer(new double[1][15]);
        Samples samples = new Samples(new int[7][0]);
        var zero = assertThrows(IllegalArgumentException.class,
                () -> JtmTreeLearner.learn(shape, identity(7), scorer, samples, 0, 1, m -> { }));
        assertEquals("--jtm-gap must be at least 1 level, got 0", zero.getMessage());
        var deep = assertThrows(IllegalArgumentException.class,
                () -> JtmTreeLearner.learn(shape, identity(7), scorer, samples, 4, 1, m -> { }));
        assertEquals("--jtm-gap 4 is deeper than the tree, which has 3 levels below the root", deep.getMessage());
    }

    private static int[] shuffledLeaves(TreeShape shape, int items, SplittableRandom r) {
        int[] leaves = identity(shape.leafCount());
        for (int i = leaves.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = leaves[i];
            leaves[i] = leaves[j];
            leaves[j] = t;
        }
        return Arrays.copyOf(leaves, items);
    }

    private static void assertPermutationOfDistinctLeaves(int[] itemToLeaf, TreeShape shape) {
        boolean[] used = new boolean[shape.leafCount()];
        for (int leaf : itemToLeaf) {
            assertTrue(leaf >= 0 && leaf < shape.leafCount() && !used[leaf], "leaf " + leaf + " given twice or out of range");
            used[leaf] = true;
        }
    }

    /** The learner's objective of a given tree: each step's path sums, steps of {@code gap} levels above the leaves. */
    private static double objectiveOf(int[] itemToLeaf, TreeShape shape, double[][] scores, int[][] users, int gap) {
        double total = 0;
        for (int item = 0; item < itemToLeaf.length; item++) {
            int leafNode = shape.leafNode(itemToLeaf[item]);
            for (int u : users[item]) {
                for (int level = 1; level < shape.leafLevel(); level++) {
                    total += logSigmoid((float) scores[u][shape.ancestorAt(leafNode, level)]);
                }
            }
        }
        return total;
    }
}
