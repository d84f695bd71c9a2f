package dev.arbor.treetrain;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.TreeShape;
import dev.arbor.scorer.LevelScorer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** OTM's pseudo-targets against the recursive rule, on trees whose node scores are fixed by hand or at random. */
class PseudoTargetsTest {

    /**
     * B=2, 4 levels: nodes 0; 1-2; 3-6; leaves 7-14. Items 0..5 on leaves 0, 1, 2, 3, 5, 6 (nodes 7, 8, 9, 10, 12, 13);
     * nodes 11 and 14 are empty.
     */
    private static final TrainingTree TREE = new TrainingTree(new TreeShape(2, 4, 6), new int[] {0, 1, 2, 3, 5, 6});

    @Test
    void byHandOneLabelAndTwo() {
        float[] scores = new float[15];
        scores[1] = 0.2f; scores[2] = 0.8f;                                 // the root prefers node 2
        scores[3] = 0.9f; scores[4] = 0.1f; scores[5] = 0.3f; scores[6] = 0.7f;
        scores[7] = 0.6f; scores[8] = 0.4f;                                 // node 3 prefers item 0's leaf
        scores[9] = 0.1f; scores[10] = 0.5f;
        scores[12] = 0.9f; scores[11] = 5f;                                 // 11 is empty: its score must not count
        scores[13] = 0.3f; scores[14] = 9f;                                 // 14 is empty too
        FixedScorer scorer = new FixedScorer(scores);
        PseudoTargets targets = new PseudoTargets(TREE, 1, 2);

        targets.begin(new int[] {1}, 1);                                    // item 1 at node 8: path 8, 3, 1
        targets.compute(scorer, scorer.newUser(), new int[3]);
        assertEquals(1, targets.label(3, 8, true), "a label's leaf is 1");
        assertEquals(0, targets.label(2, 3, true), "node 3 scores item 0's leaf above item 1's");
        assertEquals(0, targets.label(1, 1, true));
        assertEquals(0, targets.label(3, 7, true), "off the path");
        assertEquals(1, targets.label(2, 3, false), "TDM's labels: the path is 1");
        assertEquals(0, targets.label(1, 2, false));

        targets.begin(new int[] {0, 4}, 2);                                 // items 0 and 4: nodes 7 and 12
        targets.compute(scorer, scorer.newUser(), new int[3]);
        assertEquals(1, targets.label(2, 3, true), "node 3's best leaf is item 0's");
        assertEquals(1, targets.label(2, 5, true), "node 5's only non-empty child is item 4's leaf");
        assertEquals(1, targets.label(1, 1, true), "node 1 prefers node 3, which is 1");
        assertEquals(0, targets.label(1, 2, true), "node 2 prefers node 6, off the path, to node 5 and item 4");
        assertEquals(1, targets.label(1, 2, false), "TDM's labels: node 2 is on item 4's path");
    }

    @Test
    void matchesTheRecursiveRuleOnRandomScoresAndLabelSets() {
        TreeShape shape = new TreeShape(3, 5, 50);
        SplittableRandom r = new SplittableRandom(4);
        int[] itemToLeaf = new int[50];
        List<Integer> leaves = new ArrayList<>();
        for (int l = 0; l < shape.leafCount(); l++) {
            leaves.add(l);
        }
        java.util.Collections.shuffle(leaves, new java.util.Random(5));
        for (int i = 0; i < 50; i++) {
            itemToLeaf[i] = leaves.get(i);
        }
        TrainingTree tree = new TrainingTree(shape, itemToLeaf);
        int maxLabels = 4;
        for (int trial = 0; trial < 200; trial++) {
            float[] scores = new float[shape.nodeCount()];
            for (int n = 0; n < scores.length; n++) {
                scores[n] = r.nextInt(8); // few values, so ties happen
            }
            FixedScorer scorer = new FixedScorer(scores);
            int startLevel = r.nextInt(shape.levels());
            PseudoTargets targets = new PseudoTargets(tree, startLevel, maxLabels);
            int count = 1 + r.nextInt(maxLabels);
            int[] items = new int[count];
            Set<Integer> labelLeaves = new HashSet<>();
            for (int i = 0; i < count; i++) {
                items[i] = r.nextInt(50);                                   // repeats allowed, as in a user's sequence
                labelLeaves.add(shape.leafNode(itemToLeaf[items[i]]));
            }
            targets.begin(items, count);
            // A search may have scored some nodes already: offer a random part of each level.
            int offered = 0;
            for (int level = startLevel; level < shape.levels(); level++) {
                int[] nodes = new int[shape.levelSize(level)];
                float[] s = new float[nodes.length];
                int n = 0;
                for (int node = shape.levelStart(level); node < shape.levelStart(level + 1); node++) {
                    if (tree.nonEmpty(node) && r.nextBoolean()) {
                        nodes[n] = node;
                        s[n++] = scores[node];
                    }
                }
                targets.offer(level, nodes, s, n);
                offered += n;
            }
            targets.compute(scorer, scorer.newUser(), new int[3]);
            assertTrue(scorer.scored <= (shape.levels() - startLevel) * count * shape.branching(),
                    "only path nodes' children are scored: " + scorer.scored + " (" + offered + " offered)");
            for (int level = startLevel; level < shape.levels(); level++) {
                for (int node = shape.levelStart(level); node < shape.levelStart(level + 1); node++) {
                    if (tree.nonEmpty(node)) {
                        assertEquals(reference(tree, scores, labelLeaves, node), targets.label(level, node, true),
                                "trial " + trial + ", node " + node + " on level " + level);
                        assertEquals(onPath(shape, labelLeaves, node) ? 1 : 0, targets.label(level, node, false));
                    }
                }
            }
        }
    }

    @Test
    void offeredScoresAreNotScoredAgain() {
        float[] scores = new float[15];
        java.util.Arrays.fill(scores, 1f);
        FixedScorer scorer = new FixedScorer(scores);
        PseudoTargets targets = new PseudoTargets(TREE, 1, 1);
        targets.begin(new int[] {5}, 1);                                    // item 5 at node 13: path 13, 6, 2
        targets.offer(2, new int[] {5, 6}, new float[] {1f, 1f}, 2);       // node 2's children
        targets.compute(scorer, scorer.newUser(), new int[3]);
        assertEquals(1, scorer.scored, "only node 13, node 6's one non-empty child, was left to score");
        assertEquals(1, scorer.calls, "in one batch");
        assertEquals(0, targets.label(1, 2, true), "a tie goes to the lower node, 5, off the path");
    }

    /** The rule written as recursion over the whole tree. */
    static int reference(TrainingTree tree, float[] scores, Set<Integer> labelLeaves, int node) {
        TreeShape shape = tree.shape();
        if (node >= shape.firstLeaf()) {
            return labelLeaves.contains(node) ? 1 : 0;
        }
        int best = -1;
        for (int c = shape.firstChild(node); c < shape.firstChild(node) + shape.branching(); c++) {
            if (tree.nonEmpty(c) && (best < 0 || scores[c] > scores[best])) {
                best = c;
            }
        }
        return reference(tree, scores, labelLeaves, best);
    }

    static boolean onPath(TreeShape shape, Set<Integer> labelLeaves, int node) {
        int level = 0;
        while (shape.levelStart(level + 1) <= node) {
            level++;
        }
        for (int leaf : labelLeaves) {
            if (shape.ancestorAt(leaf, level) == node) {
                return true;
            }
        }
        return false;
    }

    /** Scores node n as scores[n]; counts what it was asked. */
    static final class FixedScorer implements LevelScorer {
        private final float[] scores;
        int scored, calls;

        FixedScorer(float[] scores) {
            this.scores = scores;
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
        }

        @Override
        public void score(User user, int[] nodes, int from, int count, float[] out, int outOff) {
            calls++;
            scored += count;
            for (int i = 0; i < count; i++) {
                out[outOff + i] = scores[nodes[from + i]];
            }
        }
    }
}
