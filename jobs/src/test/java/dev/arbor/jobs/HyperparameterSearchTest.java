package dev.arbor.jobs;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.treetrain.TdmRounds;
import dev.arbor.treetrain.TdmTrainer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tuning search: its grid, that each trial's settings reach training, the winner, the table and the budget. */
class HyperparameterSearchTest {

    private static final ModelArchitecture ARCH =
            new ModelArchitecture(ModelKind.MLP, 4, BehaviourWindows.sizes(), 0, new int[] {8});

    private static TdmRounds.Options base() {
        return new TdmRounds.Options(ARCH, 2, 2, new TdmTrainer.Config(3, 200, 50, 0.002f, 1, 3), 0.1, false, 1, false, 3);
    }

    @Test
    void gridStartsWithTheGivenSettingsAndHasNoRepeats() {
        List<TdmRounds.Options> grid = HyperparameterSearch.grid(base());
        assertEquals(base(), grid.get(0));
        assertEquals(12, grid.size());
        assertEquals(12, new HashSet<>(grid).size());
    }

    @Test
    void theTrialWithTheBestValidationScoreWinsAndEveryTrialIsATableLine() {
        InteractionLog log = TdmRoundsTest.clusteredLog(120, 64, 12, 5);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(3).withTestUsers(10).withValidationUsers(10));
        // A stand-in for the validation recall that reads the trial's settings back from the trained index, so the
        // winner is known: half the learning rate, initial std 0.1 (either negative scale; the first one tried wins).
        TdmRounds.IndexValidation validation = new TdmRounds.IndexValidation() {
            @Override
            public double score(TreeIndex index) {
                float lr = Float.parseFloat(index.metadata().get("train.learningRate"));
                float std = Float.parseFloat(index.metadata().get("train.embeddingStd"));
                return 1 - Math.abs(lr - 0.001) * 100 - Math.abs(std - 0.1);
            }

            @Override
            public String name() {
                return "validation stand-in";
            }
        };
        List<String> lines = new ArrayList<>();
        HyperparameterSearch.Result result = HyperparameterSearch.search(log, split, base(), validation, null, 200,
                lines::add);
        assertEquals(12, result.trials().size(), "a tiny model finishes every trial well within the budget");
        int first = result.trials().get(0).epochs();
        for (HyperparameterSearch.Trial trial : result.trials()) {
            assertTrue(trial.epochs() <= first, "no trial gets more epochs than the first: " + result.trials());
        }
        assertEquals(0.001f, result.best().training().learningRate(), 1e-9f);
        assertEquals(0.1f, result.best().embeddingStd());
        assertEquals(0.1, result.best().negativeScale(), 1e-12);
        assertEquals(base().rounds(), result.best().rounds(), "the winner keeps the real training's rounds");
        assertEquals(base().training().timeBudgetSeconds(), result.best().training().timeBudgetSeconds());
        long rows = lines.stream().filter(l -> l.matches("\\| \\d+ \\|.*")).count();
        assertEquals(12, rows, String.join("\n", lines));
        assertTrue(lines.get(lines.size() - 1).contains("best: learning rate 0.001"), lines.get(lines.size() - 1));
    }

    @Test
    void aBudgetTooSmallForOneTrialIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HyperparameterSearch.checkBudget(HyperparameterSearch.MIN_TRIAL_SECONDS - 1));
        assertTrue(e.getMessage().contains("too small for one trial"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HyperparameterSearch.checkBudget(Double.NaN));
    }
}
