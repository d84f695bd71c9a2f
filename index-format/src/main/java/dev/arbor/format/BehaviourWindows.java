package dev.arbor.format;

import java.util.Arrays;

/**
 * The one definition of a model's behaviour input: history slots grouped into time windows, oldest slot
 * first, filled right-aligned so that the most recent behaviour is always in the last slot and a short
 * history leaves the first slots {@link #PADDING}. The training samples, the trainer, the search context,
 * the scorer and the benchmarks all lay histories out through this class, so they cannot disagree.
 *
 * <p>The static constants and {@link #history} are TDM's layout: the last {@value #SLOTS} behaviours in
 * {@value #COUNT} windows of sizes {@code 20,20,10,10,2,2,2,1,1,1} (window 0 is slots 0..19, the oldest 20;
 * window 9 is slot 68). {@link #windowOfSlot(int[])} and {@link #firstFilledSlot} serve any window sizes
 * a {@link ModelArchitecture} declares.
 */
public final class BehaviourWindows {

    /** Number of TDM's time windows. */
    public static final int COUNT = 10;
    /** Number of TDM's behaviour slots, the sum of the window sizes. */
    public static final int SLOTS = 69;
    /** Item ordinal (or node id) of an empty slot. */
    public static final int PADDING = -1;

    private static final int[] SIZES = {20, 20, 10, 10, 2, 2, 2, 1, 1, 1};
    private static final int[] STARTS = new int[COUNT + 1];
    private static final int[] WINDOW_OF_SLOT = windowOfSlot(SIZES);

    static {
        for (int w = 0; w < COUNT; w++) {
            STARTS[w + 1] = STARTS[w] + SIZES[w];
        }
        if (STARTS[COUNT] != SLOTS) {
            throw new AssertionError("window sizes must add up to " + SLOTS);
        }
    }

    private BehaviourWindows() {
    }

    /** The size of TDM window {@code window}. */
    public static int size(int window) {
        return SIZES[window];
    }

    /** The first slot of TDM window {@code window}. */
    public static int start(int window) {
        return STARTS[window];
    }

    /** The TDM window that slot {@code slot} belongs to. */
    public static int windowOf(int slot) {
        return WINDOW_OF_SLOT[slot];
    }

    /** TDM's window sizes, oldest window first (a copy). */
    public static int[] sizes() {
        return SIZES.clone();
    }

    /** The window of each slot for windows of {@code windowSizes} (oldest first): slot 0 is the oldest. */
    public static int[] windowOfSlot(int[] windowSizes) {
        int[] w = new int[Arrays.stream(windowSizes).sum()];
        for (int i = 0, slot = 0; i < windowSizes.length; i++) {
            Arrays.fill(w, slot, slot += windowSizes[i], i);
        }
        return w;
    }

    /**
     * The first slot that a history of {@code count} behaviours fills in an input of {@code slots} slots: only the
     * last {@code slots} behaviours count, and behaviour {@code count - 1} (the most recent) lands in the last slot,
     * so behaviour {@code i} lands in slot {@code slots - count + i}.
     */
    public static int firstFilledSlot(int count, int slots) {
        return slots - Math.min(count, slots);
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
        int pad = firstFilledSlot(to - from, SLOTS);
        Arrays.fill(out, offset, offset + pad, PADDING);
        System.arraycopy(items, to - (SLOTS - pad), out, offset + pad, SLOTS - pad);
    }
}
