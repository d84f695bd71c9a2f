package dev.arbor.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConvergenceTest {
    @Test
    void keepsTheBestEpochAndStopsAfterPatienceEpochsWithoutAGain() {
        Convergence c = new Convergence(2, Double.POSITIVE_INFINITY);
        float[][] first = {{1}}, second = {{2}};
        assertEquals(Convergence.Verdict.GAIN, c.epochDone(0.10, () -> first));
        assertEquals(Convergence.Verdict.GAIN, c.epochDone(0.20, () -> second));
        assertEquals(Convergence.Verdict.PLATEAU, c.epochDone(0.20, () -> new float[][] {{3}}), "a tie is no gain");
        assertEquals(Convergence.Verdict.STOP, c.epochDone(0.15, () -> new float[][] {{4}}));
        assertEquals(4, c.epochs());
        assertEquals(2, c.bestEpoch());
        assertEquals(0.20, c.bestScore());
        assertEquals("patience", c.stopReason());
        assertSame(second, c.checkpointToRestore());
    }

    @Test
    void aGainResetsThePatienceCount() {
        Convergence c = new Convergence(2, Double.POSITIVE_INFINITY);
        float[][] last = {{9}};
        assertEquals(Convergence.Verdict.GAIN, c.epochDone(0.1, () -> new float[][] {{1}}));
        assertEquals(Convergence.Verdict.PLATEAU, c.epochDone(0.0, () -> new float[][] {{2}}));
        assertEquals(Convergence.Verdict.GAIN, c.epochDone(0.3, () -> last));
        assertEquals(Convergence.Verdict.PLATEAU, c.epochDone(0.2, () -> new float[][] {{4}}));
        assertEquals(Convergence.Verdict.STOP, c.epochDone(0.2, () -> new float[][] {{5}}));
        assertArrayEquals(last[0], c.checkpointToRestore()[0]);
    }

    @Test
    void theLastEpochNeedsNoRestoreAndNoValidationKeepsTheLatest() {
        Convergence validated = new Convergence(1, Double.POSITIVE_INFINITY);
        validated.epochDone(0.5, () -> new float[][] {{1}});
        assertNull(validated.checkpointToRestore(), "the model already holds its best epoch");
        assertEquals("epochs", validated.stopReason());

        Convergence plain = new Convergence(1, Double.POSITIVE_INFINITY);
        plain.epochDone();
        plain.epochDone();
        assertEquals(2, plain.bestEpoch());
        assertTrue(Double.isNaN(plain.bestScore()));
        assertNull(plain.checkpointToRestore());
    }

    @Test
    void aSpentBudgetIsTheStopReason() {
        Convergence c = new Convergence(3, 1e-9);
        assertTrue(c.outOfTime() || spin(c), "a nanosecond budget is spent at once");
        assertTrue(c.stopForTime(c.outOfTime()));
        assertEquals("time budget", c.stopReason());
    }

    @Test
    void refusesBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new Convergence(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new Convergence(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Convergence(1, Double.NaN));
    }

    /** System.nanoTime may not have moved yet: wait until it has. */
    private static boolean spin(Convergence c) {
        while (!c.outOfTime()) {
            Thread.onSpinWait();
        }
        return true;
    }
}
