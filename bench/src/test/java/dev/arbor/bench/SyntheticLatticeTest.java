package dev.arbor.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.LatticeIndex;
import dev.arbor.format.LatticeShape;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.lattice.LatticeContext;
import dev.arbor.lattice.LatticeModelScorer;
import dev.arbor.lattice.LatticeSearcher;
import dev.arbor.lattice.TopPaths;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.scorer.Kernels;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.synth.SyntheticLattice;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synthetic lattice through the real reader, search and reranker: its planted model finds a user's own paths, its
 * reranker ranks items by their distance to the user, and its noise makes a narrow beam miss.
 */
class SyntheticLatticeTest {
    private static final LatticeShape LATTICE = new LatticeShape(16, 3);
    private static final TreeIndex TREE = SyntheticIndex.generate(3000, 2, ModelKind.MLP, 42);

    @Test
    void generationIsDeterministicAndFollowsTheTreesItems() {
        LatticeIndex a = SyntheticLattice.alongTree(TREE, LATTICE, 3, 0.5, 9);
        LatticeIndex b = SyntheticLattice.alongTree(TREE, LATTICE, 3, 0.5, 9);
        assertArrayEquals(a.itemPaths(), b.itemPaths());
        assertArrayEquals(a.itemEmbeddings(), b.itemEmbeddings());
        assertArrayEquals(a.model().tensor("layer2.out.w"), b.model().tensor("layer2.out.w"));
        assertArrayEquals(TREE.itemIds(), a.itemIds());
        assertArrayEquals(TREE.itemCategories(), a.itemCategories());
        // Noise moves the model only: the items, and so the reranker's exact answers, stay.
        LatticeIndex exact = SyntheticLattice.alongTree(TREE, LATTICE, 3, 0, 9);
        assertArrayEquals(a.rerankEmbeddings(), exact.rerankEmbeddings());
        // Items next to each other in the tree share their first path's top code.
        int[] leafToItem = TREE.leafToItem();
        int sameTop = 0, pairs = 0;
        for (int leaf = 0; leaf + 1 < leafToItem.length; leaf++) {
            if (leafToItem[leaf] >= 0 && leafToItem[leaf + 1] >= 0) {
                pairs++;
                sameTop += a.pathKey(leafToItem[leaf], 0) / 256 == a.pathKey(leafToItem[leaf + 1], 0) / 256 ? 1 : 0;
            }
        }
        assertTrue(sameTop > 0.9 * pairs, sameTop + " of " + pairs);
    }

    @Test
    void theDefaultShapeIsThePapersFromAMillionItemsAndKeepsPathsFilledBelow() {
        assertEquals(new LatticeShape(100, 3), SyntheticLattice.shapeFor(1_000_000));
        assertEquals(new LatticeShape(100, 3), SyntheticLattice.shapeFor(4_000_000));
        assertEquals(new LatticeShape(47, 3), SyntheticLattice.shapeFor(100_000));
        assertEquals(new LatticeShape(10, 3), SyntheticLattice.shapeFor(1000));
        assertEquals(new LatticeShape(2, 3), SyntheticLattice.shapeFor(2));
    }

    @Test
    void theExactModelLeadsAUserToTheirItemsPathsAndNoiseMisleadsANarrowBeam(@TempDir Path dir) throws Exception {
        assertEquals(40, usersLedToTheirPath(dir.resolve("exact"), 0));
        int misled = 40 - usersLedToTheirPath(dir.resolve("noisy"), 0.5);
        assertTrue(misled >= 4, "a model whose codes are off by half their spread sends some users down wrong paths: "
                + misled);
    }

    /** Users whose history is one item 69 times, for 40 items: how many a beam of 1 leads to one of the item's paths. */
    private static int usersLedToTheirPath(Path dir, double noise) throws Exception {
        LatticeIndex index = SyntheticLattice.alongTree(TREE, LATTICE, 2, noise, 9);
        SegmentWriter.write(dir, index);
        try (LatticeSegment segment = IndexDirectory.openLatestLattice(dir)) {
            LatticeModelScorer scorer = segment.scorer(Kernels.best());
            LatticeSearcher<LatticeModelScorer.User> searcher = new LatticeSearcher<>(scorer);
            LatticeContext<LatticeModelScorer.User> ctx = searcher.newContext();
            TopPaths top = new TopPaths(1);
            int led = 0;
            for (int item = 0; item < 3000; item += 75) {
                int[] history = new int[69];
                Arrays.fill(history, item);
                scorer.prepare(ctx.user(), history, history.length);
                searcher.search(ctx, 1, 1, top);
                led += top.key(0) == index.pathKey(item, 0) || top.key(0) == index.pathKey(item, 1) ? 1 : 0;
            }
            return led;
        }
    }

    @Test
    void theRerankerRanksItemsByTheirDistanceToTheUser(@TempDir Path dir) throws Exception {
        LatticeIndex index = SyntheticLattice.alongTree(TREE, LATTICE, 3, 1, 9);
        SegmentWriter.write(dir, index);
        int dim = index.dim(), n = index.itemCount();
        float[] e = index.itemEmbeddings();
        try (LatticeSegment segment = IndexDirectory.openLatestLattice(dir)) {
            LatticeModelScorer scorer = segment.scorer(Kernels.best());
            LatticeModelScorer.User user = scorer.newUser();
            int[] all = IntStream.range(0, n).toArray();
            float[] scores = new float[n];
            for (int item : new int[] {0, 1234, 2999}) {
                int[] history = new int[69];
                Arrays.fill(history, item);
                scorer.prepare(user, history, history.length);
                scorer.score(user, all, n, scores);
                int[] byScore = IntStream.range(0, n).boxed()
                        .sorted(Comparator.comparingDouble(i -> -scores[(int) i])).limit(10).mapToInt(i -> i).toArray();
                int[] byDistance = IntStream.range(0, n).boxed()
                        .sorted(Comparator.comparingDouble(i -> distance(e, dim, item, i))).limit(10).mapToInt(i -> i)
                        .toArray();
                assertEquals(item, byScore[0], "an item is its own nearest");
                assertArrayEquals(byDistance, byScore);
            }
        }
    }

    private static double distance(float[] e, int dim, int a, int b) {
        double sum = 0;
        for (int t = 0; t < dim; t++) {
            double x = e[a * dim + t] - e[b * dim + t];
            sum += x * x;
        }
        return sum;
    }
}
