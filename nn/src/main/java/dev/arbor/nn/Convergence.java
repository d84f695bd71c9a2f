package dev.arbor.nn;

import java.util.function.Supplier;

/**
 * Training to convergence, the bookkeeping the tree's epochs and the lattice's E-step share. After each epoch the
 * caller reports the validation users' score: a gain keeps a checkpoint of the weights; an epoch without one asks for
 * the learning rate to be halved, and {@code patience} such epochs in a row stop training. A time budget stops it in
 * any case. At the end the model goes back to its best epoch's checkpoint. One instance per training run.
 */
public final class Convergence {
    /** The learning-rate factor after an epoch without a gain. */
    public static final float PLATEAU_DECAY = 0.5f;

    /** What an epoch's score means for the run. */
    public enum Verdict {
        /** The best score so far: its weights are kept. */
        GAIN,
        /** No gain: decay the learning rate by {@link #PLATEAU_DECAY} and go on. */
        PLATEAU,
        /** No gain for {@code patience} epochs in a row: stop. */
        STOP
    }

    private final int patience;
    private final long started = System.nanoTime();
    private final long budgetNanos;
    private int epochs, bestEpoch, withoutGain;
    private double bestScore = Double.NaN;
    private float[][] best;
    private String stopReason = "epochs";

    /** {@code timeBudgetSeconds} may be infinite for none. */
    public Convergence(int patience, double timeBudgetSeconds) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1 epoch, got " + patience);
        }
        if (!(timeBudgetSeconds > 0)) {
            throw new IllegalArgumentException("a time budget must be more than 0 seconds, got " + timeBudgetSeconds);
        }
        this.patience = patience;
        this.budgetNanos = Double.isInfinite(timeBudgetSeconds) ? Long.MAX_VALUE
                : (long) Math.min(Long.MAX_VALUE, timeBudgetSeconds * 1e9);
    }

    /** Whether the time budget is spent; checked after every step. */
    public boolean outOfTime() {
        return System.nanoTime() - started >= budgetNanos;
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    /** An epoch ended with no validation: the latest epoch is the one kept. */
    public void epochDone() {
        bestEpoch = ++epochs;
    }

    /** An epoch ended with the validation score {@code score} (higher is better); {@code checkpoint} copies the weights. */
    public Verdict epochDone(double score, Supplier<float[][]> checkpoint) {
        epochs++;
        if (best == null || score > bestScore) {
            best = checkpoint.get();
            bestScore = score;
            bestEpoch = epochs;
            withoutGain = 0;
            return Verdict.GAIN;
        }
        if (++withoutGain >= patience) {
            stopReason = "patience";
            return Verdict.STOP;
        }
        return Verdict.PLATEAU;
    }

    /** True, and the stop reason recorded, when the budget is spent; call at the end of an epoch. */
    public boolean stopForTime(boolean outOfTime) {
        if (outOfTime) {
            stopReason = "time budget";
        }
        return outOfTime;
    }

    /** The best epoch's weights when the model no longer holds them, else null. */
    public float[][] checkpointToRestore() {
        return best != null && bestEpoch != epochs ? best : null;
    }

    /** The closing line of a validated run. */
    public String stoppedLine(String validationName) {
        return String.format("  stopped after %d epochs (%s); kept epoch %d, %s %.2f%%", epochs, stopReason, bestEpoch,
                validationName, 100 * bestScore);
    }

    public int epochs() {
        return epochs;
    }

    /** The epoch (1-based) the model ends at. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** Its validation score, NaN without a validation. */
    public double bestScore() {
        return bestScore;
    }

    /** "epochs", "patience" or "time budget". */
    public String stopReason() {
        return stopReason;
    }
}
