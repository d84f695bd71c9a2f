package dev.arbor.nn;

/** The training objective over a batch's pairs; every pair's score is {@code s = logit1 - logit0}. */
public enum Loss {
    /**
     * Each pair on its own: the logistic loss of its label, {@code log(1 + e^-s)} or {@code log(1 + e^s)}, averaged over
     * the pairs. TDM's objective as its paper writes it.
     */
    BINARY("binary"),
    /**
     * Each positive against the negatives that follow it in its group (TDM's samples of one tree level): softmax
     * cross-entropy over that list's scores, averaged over the positives. JTM writes TDM's objective this way; it ranks
     * the positive above its level's negatives rather than fitting each probability, which is what beam search needs.
     * Every non-empty group must start with a positive.
     */
    SAMPLED_SOFTMAX("softmax");

    private final String key;

    Loss(String key) {
        this.key = key;
    }

    /** The name options and segment metadata use: "binary" or "softmax". */
    public String key() {
        return key;
    }

    /** The loss whose {@link #key()} is {@code key}; {@code option} names the setting in the error. */
    public static Loss parse(String key, String option) {
        for (Loss l : values()) {
            if (l.key.equals(key)) {
                return l;
            }
        }
        throw new IllegalArgumentException(option + " must be binary or softmax, got " + key);
    }
}
