package dev.arbor.treetrain;

import java.util.Locale;

/**
 * How many leaves a built tree keeps free for items added later without a rebuild ({@code arbor add-items}): a
 * fraction of the items or a count. The tree is the smallest complete one with that many padding leaves besides its
 * items, and the balanced layout spreads the padding evenly, so every part of the tree has room near its items.
 *
 * @param fraction spare leaves per item, in [0, 10]; 0 when {@code count} says it
 * @param count    spare leaves, {@code >= 0}; 0 when {@code fraction} says it
 */
public record SpareLeaves(double fraction, int count) {

    /** No more than the padding the smallest tree happens to have. */
    public static final SpareLeaves NONE = new SpareLeaves(0, 0);

    public SpareLeaves {
        if (!(fraction >= 0 && fraction <= 10)) {
            throw new IllegalArgumentException("the spare leaves' fraction must be in [0, 10], got " + fraction);
        }
        if (count < 0) {
            throw new IllegalArgumentException("the spare leaves' count must be >= 0, got " + count);
        }
        if (fraction > 0 && count > 0) {
            throw new IllegalArgumentException("give the spare leaves as a fraction or a count, not both");
        }
    }

    /**
     * {@code 0.25} (a number with a decimal point: a fraction of the items) or {@code 5000} (a whole number: a count).
     *
     * @param option the option's name, for the error
     */
    public static SpareLeaves parse(String text, String option) {
        String t = text.strip();
        try {
            if (t.contains(".") || t.contains("e") || t.contains("E")) {
                return new SpareLeaves(Double.parseDouble(t), 0);
            }
            return new SpareLeaves(0, Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a fraction of the items such as 0.25 or a count such"
                    + " as 5000, got \"" + text + "\"");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    /** The spare leaves a tree of {@code items} items must have at least. */
    public int forItems(int items) {
        return count > 0 ? count : (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(fraction * items));
    }

    /** As {@link #parse} reads it back. */
    @Override
    public String toString() {
        return count > 0 || fraction == 0 ? Integer.toString(count) : String.format(Locale.ROOT, "%s", fraction);
    }
}
