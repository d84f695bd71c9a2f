package dev.arbor.dataset;

import dev.arbor.format.BehaviourWindows;
import java.util.Arrays;

/**
 * Validation or test users of a {@link DataSplit}: for each, the input half of their history (item ordinals,
 * oldest first) and the ground truth, the distinct items of the other half in order of first occurrence. Stored
 * CSR-style; the array accessors return backing arrays, which callers must not modify.
 */
public final class HeldOutUsers {

    private final int[] users;
    private final int[] inputOffsets;
    private final int[] inputItems;
    private final int[] truthOffsets;
    private final int[] truthItems;

    HeldOutUsers(int[] users, int[] inputOffsets, int[] inputItems, int[] truthOffsets, int[] truthItems) {
        this.users = users;
        this.inputOffsets = inputOffsets;
        this.inputItems = inputItems;
        this.truthOffsets = truthOffsets;
        this.truthItems = truthItems;
    }

    /** Number of held-out users. */
    public int size() {
        return users.length;
    }

    /** The user ordinal (in the log) of held-out user {@code i}. */
    public int user(int i) {
        return users[i];
    }

    /** User ordinals of all held-out users, ascending. Backing array: do not modify. */
    public int[] users() {
        return users;
    }

    /** A copy of user {@code i}'s input items, oldest first. */
    public int[] input(int i) {
        return Arrays.copyOfRange(inputItems, inputOffsets[i], inputOffsets[i + 1]);
    }

    /** A copy of user {@code i}'s ground-truth items (distinct). */
    public int[] truth(int i) {
        return Arrays.copyOfRange(truthItems, truthOffsets[i], truthOffsets[i + 1]);
    }

    /** Writes user {@code i}'s 69-slot model input (the last 69 input items) into {@code out[offset, offset + 69)}. */
    public void history(int i, int[] out, int offset) {
        BehaviourWindows.history(inputItems, inputOffsets[i], inputOffsets[i + 1], out, offset);
    }

    /** CSR offsets into {@link #inputItems()}, {@code size() + 1} long. Backing array. */
    public int[] inputOffsets() {
        return inputOffsets;
    }

    /** All input items end to end. Backing array. */
    public int[] inputItems() {
        return inputItems;
    }

    /** All ground-truth items end to end. Backing array. */
    public int[] truthItems() {
        return truthItems;
    }
}
