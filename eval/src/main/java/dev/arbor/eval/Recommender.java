package dev.arbor.eval;

import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import java.util.Arrays;

/**
 * A model under the TDM evaluation protocol: from a held-out user's input history it ranks items for the user's
 * future. Implementations rank by their own score and may return items the user already has; exclusion of those is
 * applied on top, by {@link #excludingInput()}, so that every model is filtered the same way. {@link Evaluator}
 * excludes input items by default: for MovieLens a user rates a film once, so an input item can never be in the
 * truth, and in general re-recommending what the user just saw is not what the retrieval stage is for. Implementations
 * must be safe to call from several threads at once.
 */
public interface Recommender {

    /**
     * The top {@code k} item ordinals for a user whose history is {@code input} (item ordinals, oldest first, most
     * recent last), best first. Fewer than {@code k} only when the model has fewer candidates to offer.
     */
    int[] recommend(int[] input, int k);

    /** A short name for reports. */
    String name();

    /**
     * This recommender with the user's input items removed from its lists. It asks for {@code k} plus the number of
     * distinct input items and drops the input items, so the result is the model's own top {@code k} among the items
     * the user has not seen.
     */
    default Recommender excludingInput() {
        Recommender inner = this;
        return new Recommender() {
            @Override
            public int[] recommend(int[] input, int k) {
                IntOpenHashSet seen = new IntOpenHashSet(input);
                int[] ranked = inner.recommend(input, k + seen.size());
                int[] kept = new int[Math.min(k, ranked.length)];
                int n = 0;
                for (int i = 0; i < ranked.length && n < kept.length; i++) {
                    if (!seen.contains(ranked[i])) {
                        kept[n++] = ranked[i];
                    }
                }
                return n == kept.length ? kept : Arrays.copyOf(kept, n);
            }

            @Override
            public String name() {
                return inner.name();
            }
        };
    }
}
