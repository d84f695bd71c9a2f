package dev.arbor.dataset;

import dev.arbor.format.BehaviourWindows;
/**
 * Training samples laid out flat for a model: sample {@code s} has behaviour slots
 * {@code history[s * 69 .. s * 69 + 69)} (see {@link BehaviourWindows}) and target item {@code targets[s]}.
 *
 * @param history item ordinals, {@link BehaviourWindows#SLOTS} per sample, {@link BehaviourWindows#PADDING} = empty
 * @param targets the item ordinal each sample predicts
 */
public record SampleBatch(int[] history, int[] targets) {

    /** Checks that the two arrays describe the same number of samples. */
    public SampleBatch {
        if (history.length != targets.length * BehaviourWindows.SLOTS) {
            throw new IllegalArgumentException("history has " + history.length + " slots for " + targets.length
                    + " samples; expected " + BehaviourWindows.SLOTS + " per sample");
        }
    }

    /** Number of samples. */
    public int size() {
        return targets.length;
    }

    /** Item ordinal in slot {@code slot} of sample {@code sample}. */
    public int historyItem(int sample, int slot) {
        return history[sample * BehaviourWindows.SLOTS + slot];
    }
}
