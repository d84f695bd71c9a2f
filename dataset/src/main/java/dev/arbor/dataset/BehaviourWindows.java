package dev.arbor.dataset;

import dev.arbor.format.ModelArchitecture;
import java.util.Arrays;

/**
 * The TDM paper's user-behaviour input: the last {@value #SLOTS} behaviours before a target, in {@value #COUNT}
 * time windows of sizes {@code 20,20,10,10,2,2,2,1,1,1}. Slots run oldest to newest: window 0 is slots 0..19 (the
 * oldest 20), window 9 is slot 68 (the most recent behaviour). Histories shorter than {@value #SLOTS} are
 * left-padded with {@link #PADDING}, so the most recent behaviour is always in slot 68. Training and serving both
 * build their inputs here, so the two cannot disagree on the layout.
 */
public final class BehaviourWindows {

    /** Number of time windows. */
    public static final int COUNT = 10;
    /** Number of behaviour slots, the sum of the window sizes. */
    public static final int SLOTS = 69;
    /** Item ordinal of an empty slot. */
    public static final int PADDING = -1;

    private static final int[] SIZES = ModelArchitecture.TDM_WINDOWS.clone();
    private static final int[] STARTS = new int[COUNT + 1];
    private static final int[] WINDOW_OF_SLOT = new int[SLOTS];

    static {
        for (int w = 0; w < COUNT; w++) {
            STARTS[w + 1] = STARTS[w] + SIZES[w];
            Arrays.fill(WINDOW_OF_SLOT, STARTS[w], STARTS[w + 1], w);
        }
        if (STARTS[COUNT] != SLOTS) {
            throw new AssertionError("window sizes must add up to " + SLOTS);
        }
    }

    private BehaviourWindows() {
    }

    /** The size of window {@code window}. */
    public static int size(int window) {
        return SIZES[window];
    }

    /** The first slot of window {@code window}. */
    public static int start(int window) {
        return STARTS[window];
    }

    /** The window that slot {@code slot} belongs to. */
    public static int windowOf(int slot) {
        return WINDOW_OF_SLOT[slot];
    }

    /** All window sizes, oldest window first (a copy). */
    public static int[] sizes() {
        return SIZES.clone();
    }

    /** The {@value #SLOTS}-slot input for {@code items} (item ordinals, most recent last); only the last 69 count. */
    public static int[] history(int[] items) {
        int[] out = new int[SLOTS];
        history(items, 0, items.length, out, 0);
        return out;
    }

    /**
     * Writes the {@value #SLOTS}-slot input for {@code items[from, to)} (most recent last) into
     * {@code out[offset, offset + 69)}: the last 69 items, left-padded with {@link #PADDING}.
     */
    public static void history(int[] items, int from, int to, int[] out, int offset) {
        int n = Math.min(SLOTS, to - from);
        int pad = SLOTS - n;
        Arrays.fill(out, offset, offset + pad, PADDING);
        System.arraycopy(items, to - n, out, offset + pad, n);
    }
}
