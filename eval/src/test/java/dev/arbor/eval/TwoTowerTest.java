package dev.arbor.eval;

import dev.arbor.search.TopK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogBuilder;
import dev.arbor.dataset.SplitOptions;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TwoTowerTest {

    private static final int CLUSTERS = 20;
    private static final int CLUSTER_SIZE = 10;
    private static final int ITEMS = CLUSTERS * CLUSTER_SIZE;

    /**
     * Planted structure: 800 users, each in one of 20 clusters of 10 items, sees the cluster's items in random order
     * with 2 random items from elsewhere mixed in. Every item is about equally popular, so only a model that reads
     * the history can do better than chance.
     */
    private static DataSplit plantedSplit() {
        Random random = new Random(9);
        InteractionLogBuilder b = new InteractionLogBuilder(true);
        for (int item = 0; item < ITEMS; item++) {
            b.add(-1, item, 0); // a warm-up user that fixes item ordinal = item id; never held out (one row)
        }
        for (int u = 0; u < 800; u++) {
            int cluster = u % CLUSTERS;
            int[] items = new int[CLUSTER_SIZE + 2];
            for (int i = 0; i < CLUSTER_SIZE; i++) {
                items[i] = cluster * CLUSTER_SIZE + i;
            }
            items[CLUSTER_SIZE] = random.nextInt(ITEMS);
            items[CLUSTER_SIZE + 1] = random.nextInt(ITEMS);
            for (int i = items.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = items[i];
                items[i] = items[j];
                items[j] = t;
            }
            for (int t = 0; t < items.length; t++) {
                b.add(u, items[t], t);
            }
        }
        return DataSplit.of(b.build(), SplitOptions.withSeed(3).withValidationUsers(0).withTestUsers(100));
    }

    private static TwoTowerOptions small() {
        return TwoTowerOptions.DEFAULTS.withDim(16).withHidden(32).withEpochs(6).withBatchSize(64).withNegatives(32)
                .withLearningRate(0.01f).withSeed(4);
    }

    @Test
    void learnsThePlantedClusters() {
        DataSplit split = plantedSplit();
        assertEquals(ITEMS, split.log().numItems());
        TwoTower model = TwoTower.train(split, small().withThreads(2));
        QualityReport report = new Evaluator().withKs(10).evaluate(model, split.test());

        // Chance: 10 of ~195 unseen items. The truth's ~5 unseen cluster items fit in the top 10 of a good model.
        double chance = 10.0 / (ITEMS - 6);
        assertTrue(report.recall(10) > 0.5, report + " vs chance " + chance);
        assertTrue(report.recall(10) > 8 * chance, report + " vs chance " + chance);
        assertEquals(ITEMS, model.numItems());
        assertEquals(16, model.userVector(new int[] {1, 2, 3}).length);
        assertEquals(16, model.itemVector(7).length);
    }

    @Test
    void trainingDoesNotDependOnTheThreadCount() {
        DataSplit split = plantedSplit();
        TwoTowerOptions options = small().withEpochs(1);
        TwoTower one = TwoTower.train(split, options.withThreads(1));
        TwoTower three = TwoTower.train(split, options.withThreads(3));
        assertArrayEquals(one.itemEmbeddings, three.itemEmbeddings);
        assertArrayEquals(one.inputEmbeddings, three.inputEmbeddings);
        assertArrayEquals(one.hiddenLayer.params, three.hiddenLayer.params);
        assertArrayEquals(one.outputLayer.params, three.outputLayer.params);
    }

    @Test
    void recommendsTheExactInnerProductTopK() {
        TwoTower model = new TwoTower(50, 4, 6, 1);
        int[] input = {3, 9, 27};
        float[] u = model.userVector(input);
        float[] scores = new float[50];
        for (int i = 0; i < 50; i++) {
            float[] v = model.itemVector(i);
            for (int j = 0; j < 4; j++) {
                scores[i] += u[j] * v[j];
            }
        }
        int[] expected = TopK.of(scores, 50, 7);
        assertEquals(1.0, Metrics.fidelity(model.recommend(input, 7), expected), 1e-12);
    }
}
