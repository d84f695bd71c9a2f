package dev.arbor.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogBuilder;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.progress.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Baselines tuned on the validation users: the grid is searched, the best validation recall wins. */
class BaselineTuningTest {

    /** Users in 10 clusters of 12 items, each with a few popular items from everywhere mixed in. */
    private static DataSplit split(int validationUsers) {
        Random random = new Random(5);
        InteractionLogBuilder b = new InteractionLogBuilder(true);
        for (int u = 0; u < 400; u++) {
            int cluster = u % 10;
            for (int t = 0; t < 14; t++) {
                int item = t % 4 == 3 ? 120 + random.nextInt(5) : cluster * 12 + random.nextInt(12);
                b.add(u, item, t);
            }
        }
        InteractionLog log = b.build();
        return DataSplit.of(log, SplitOptions.withSeed(2).withValidationUsers(validationUsers).withTestUsers(40));
    }

    @Test
    void itemCfKeepsTheGridPointWithTheBestValidationRecall() {
        DataSplit split = split(40);
        List<String> lines = new ArrayList<>();
        BaselineTuning.Tuned<ItemCf> tuned = BaselineTuning.itemCf(split, 2, lines::add);
        assertEquals(BaselineTuning.NEIGHBOURS.length * BaselineTuning.ALPHAS.length, lines.size());
        Evaluator evaluator = new Evaluator().withKs(BaselineTuning.K).withThreads(2);
        double best = 0;
        for (double alpha : BaselineTuning.ALPHAS) {
            for (int n : BaselineTuning.NEIGHBOURS) {
                ItemCf fitted = ItemCf.fit(Histories.of(split, true), n, alpha, 2, ProgressListener.SILENT);
                best = Math.max(best, evaluator.evaluate(fitted, split.validation()).recall(BaselineTuning.K));
            }
        }
        assertEquals(best, tuned.validationRecall(), 1e-12);
        assertEquals(best, evaluator.evaluate(tuned.recommender(), split.validation()).recall(BaselineTuning.K), 1e-12,
                "the returned recommender is the winner (" + tuned.settings() + ")");
    }

    @Test
    void theNormalisationExponentChangesTheNeighbours() {
        Histories histories = Histories.of(split(40), true);
        ItemCf cosine = ItemCf.fit(histories, 5, ItemCf.COSINE, 1, ProgressListener.SILENT);
        ItemCf conditional = ItemCf.fit(histories, 5, 1.0, 1, ProgressListener.SILENT);
        boolean differs = false;
        for (int item = 0; item < histories.numItems() && !differs; item++) {
            differs = !java.util.Arrays.equals(cosine.neighbours(item), conditional.neighbours(item));
        }
        assertTrue(differs, "alpha 1 favours the popular items, so some neighbour list must change");
        assertThrows(IllegalArgumentException.class, () -> ItemCf.fit(histories, 5, 1.5, 1, ProgressListener.SILENT));
    }

    @Test
    void tuningNeedsValidationUsers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BaselineTuning.itemCf(split(0), 1, ProgressListener.SILENT));
        assertTrue(e.getMessage().contains("needs validation users"), e.getMessage());
    }
}
