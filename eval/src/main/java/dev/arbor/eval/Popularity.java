package dev.arbor.eval;

import dev.arbor.search.TopK;
import java.util.Arrays;

/**
 * The floor every model must clear: the same list for everyone, items ranked by how many interactions they have in
 * the training {@link Histories} (ties by ordinal). On MovieLens this is a strong floor, far above random.
 */
public final class Popularity implements Recommender {

    private final int[] ranking;

    private Popularity(int[] ranking) {
        this.ranking = ranking;
    }

    /** Ranks the items of {@code histories} by interaction count. */
    public static Popularity fit(Histories histories) {
        int n = histories.numItems();
        float[] counts = new float[n];
        for (int item : histories.items()) {
            counts[item]++;
        }
        return new Popularity(TopK.of(counts, n, n));
    }

    @Override
    public int[] recommend(int[] input, int k) {
        return Arrays.copyOf(ranking, Math.min(k, ranking.length));
    }

    @Override
    public String name() {
        return "Popularity";
    }
}
