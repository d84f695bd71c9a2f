package dev.arbor.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.dataset.DataFormat;
import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.HeldOutUsers;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogBuilder;
import dev.arbor.dataset.InteractionLogs;
import dev.arbor.dataset.SplitOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    /** Recommends items 0, 1, 2, ... to everyone, like a popularity list. */
    private static final Recommender FIRST_ITEMS = new Recommender() {
        @Override
        public int[] recommend(int[] input, int k) {
            return IntStream.range(0, k).toArray();
        }

        @Override
        public String name() {
            return "first items";
        }
    };

    /** 100 users over 30 items, 12 interactions each, with timestamps. */
    private static DataSplit smallSplit() {
        InteractionLogBuilder b = new InteractionLogBuilder(true);
        for (int u = 0; u < 100; u++) {
            for (int t = 0; t < 12; t++) {
                b.add(u, (u * 7L + t * t) % 30, t);
            }
        }
        return DataSplit.of(b.build(), SplitOptions.withSeed(5).withTestUsers(40));
    }

    @Test
    void scoresEveryUserWithInputExcludedByDefault() {
        HeldOutUsers users = smallSplit().test();
        QualityReport expected = new QualityReport(3, 10);
        QualityReport withInput = new QualityReport(3, 10);
        for (int i = 0; i < users.size(); i++) {
            expected.add(FIRST_ITEMS.excludingInput().recommend(users.input(i), 10), users.truth(i));
            withInput.add(FIRST_ITEMS.recommend(users.input(i), 10), users.truth(i));
        }
        Evaluator evaluator = new Evaluator().withKs(10, 3);
        assertSame(expected, evaluator.withThreads(1).evaluate(FIRST_ITEMS, users));
        assertSame(expected, evaluator.withThreads(3).evaluate(FIRST_ITEMS, users));
        assertSame(withInput, evaluator.withExcludeInput(false).evaluate(FIRST_ITEMS, users));
        assertEquals(40, expected.users());
    }

    private static void assertSame(QualityReport expected, QualityReport actual) {
        assertArrayEquals(expected.ks(), actual.ks());
        assertEquals(expected.users(), actual.users());
        for (int k : expected.ks()) {
            assertEquals(expected.precision(k), actual.precision(k), 1e-12);
            assertEquals(expected.recall(k), actual.recall(k), 1e-12);
            assertEquals(expected.fMeasure(k), actual.fMeasure(k), 1e-12);
            assertEquals(expected.globalRecall(k), actual.globalRecall(k), 1e-12);
        }
    }

    @Test
    void exclusionKeepsTheModelsOrderAmongUnseenItems() {
        Recommender filtered = FIRST_ITEMS.excludingInput();
        assertArrayEquals(new int[] {0, 2, 4, 5}, filtered.recommend(new int[] {3, 1, 3}, 4));
        assertArrayEquals(new int[] {1, 2}, filtered.recommend(new int[] {0}, 2));
        assertEquals("first items", filtered.name());
    }

    @Test
    void fidelityOfAModelToItselfIsOneAndToAnotherIsTheOverlap() {
        HeldOutUsers users = smallSplit().test();
        Evaluator evaluator = new Evaluator().withExcludeInput(false).withThreads(2);
        assertEquals(1.0, evaluator.fidelity(FIRST_ITEMS, FIRST_ITEMS, users, 10), 1e-12);
        Recommender shifted = new Recommender() {
            @Override
            public int[] recommend(int[] input, int k) {
                return IntStream.range(5, 5 + k).toArray();
            }

            @Override
            public String name() {
                return "shifted";
            }
        };
        assertEquals(0.5, evaluator.fidelity(shifted, FIRST_ITEMS, users, 10), 1e-12);
    }

    @Test
    void itemCfBeatsPopularityAndRandomOnMovieLens() throws IOException {
        InteractionLog log = InteractionLogs.read(bundledMovieLens(), DataFormat.MOVIELENS);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(1));
        Histories histories = Histories.of(split, true);
        Evaluator evaluator = new Evaluator();

        QualityReport popularity = evaluator.evaluate(Popularity.fit(histories), split.test());
        QualityReport itemCf = evaluator.evaluate(ItemCf.fit(histories, ItemCf.DEFAULT_NEIGHBOURS, 2), split.test());

        assertEquals(split.test().size(), itemCf.users());
        // A random list of 50 unseen items finds each truth item with probability about 50 / numItems.
        double random = 50.0 / log.numItems();
        assertTrue(popularity.recall(50) > 10 * random, popularity.toString());
        assertTrue(itemCf.recall(50) > popularity.recall(50), itemCf + " vs " + popularity);
        assertTrue(itemCf.recall(200) > itemCf.recall(50) && itemCf.recall(50) > itemCf.recall(10));
        assertTrue(itemCf.precision(10) > itemCf.precision(200));
    }

    /** The ml-latest-small copy bundled at {@code data/ml-latest-small} of the project root. */
    static Path bundledMovieLens() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("data").resolve("ml-latest-small");
            if (Files.exists(candidate.resolve("ratings.csv"))) {
                return candidate;
            }
        }
        throw new AssertionError("data/ml-latest-small is bundled with the project and must be found");
    }
}
