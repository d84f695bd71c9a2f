package dev.arbor.eval;

import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.HeldOutUsers;
import dev.arbor.dataset.InteractionLog;
import it.unimi.dsi.fastutil.ints.IntArrayList;

/**
 * The interactions a non-neural baseline learns from, as user histories in CSR form: history {@code h} is
 * {@code items[offsets[h] .. offsets[h + 1])}, oldest first.
 *
 * @param numItems the number of item ordinals, {@code 0 .. numItems - 1}
 * @param offsets {@code histories() + 1} offsets into {@code items}
 * @param items all histories end to end
 */
public record Histories(int numItems, int[] offsets, int[] items) {

    /** Checks that the offsets describe {@code items}. */
    public Histories {
        if (offsets.length == 0 || offsets[0] != 0 || offsets[offsets.length - 1] != items.length) {
            throw new IllegalArgumentException("offsets must run from 0 to items.length");
        }
    }

    /**
     * What a deployed system would know when it serves the split's held-out users: the full histories of the
     * training users and, with {@code withHeldOutInputs}, the input halves of the validation and test users (their
     * truth halves never). Item-based CF normally learns from every history it has, so including the input halves
     * is the usual choice; without them the held-out users' first halves count only at serving time.
     */
    public static Histories of(DataSplit split, boolean withHeldOutInputs) {
        InteractionLog log = split.log();
        IntArrayList offsets = new IntArrayList();
        IntArrayList items = new IntArrayList();
        offsets.add(0);
        for (int u : split.trainUsers()) {
            items.addElements(items.size(), log.sequenceItems(), log.userOffsets()[u], log.sequenceLength(u));
            offsets.add(items.size());
        }
        if (withHeldOutInputs) {
            for (HeldOutUsers held : new HeldOutUsers[] {split.validation(), split.test()}) {
                for (int i = 0; i < held.size(); i++) {
                    int from = held.inputOffsets()[i];
                    items.addElements(items.size(), held.inputItems(), from, held.inputOffsets()[i + 1] - from);
                    offsets.add(items.size());
                }
            }
        }
        return new Histories(log.numItems(), offsets.toIntArray(), items.toIntArray());
    }

    /** Number of histories. */
    public int size() {
        return offsets.length - 1;
    }
}
