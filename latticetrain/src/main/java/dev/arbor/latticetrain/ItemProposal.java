package dev.arbor.latticetrain;

import dev.arbor.dataset.TrainingSamples;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The distribution the reranker's negatives are drawn from: half by how often each item is a training target, half
 * uniform, {@code Q(i) = ½·n_i / Σn + ½ / N}. Popular items make the informative negatives; the uniform half gives
 * every item some. {@link #logQ()} is what the sampled softmax subtracts from each logit (logQ correction).
 */
final class ItemProposal {
    private final long[] cumulative;
    private final long total;
    private final float[] logQ;

    ItemProposal(TrainingSamples samples, int items) {
        long[] counts = new long[items];
        for (int s = 0; s < samples.size(); s++) {
            counts[samples.target(s)]++;
        }
        cumulative = new long[items];
        long sum = 0;
        for (int i = 0; i < items; i++) {
            sum += counts[i];
            cumulative[i] = sum;
        }
        total = sum;
        logQ = new float[items];
        for (int i = 0; i < items; i++) {
            double q = (total == 0 ? 1.0 / items : 0.5 * counts[i] / total + 0.5 / items);
            logQ[i] = (float) Math.log(q);
        }
    }

    /** {@code log Q(i)} per item. */
    float[] logQ() {
        return logQ;
    }

    /** One draw from Q. */
    int draw(SplittableRandom random) {
        int items = cumulative.length;
        if (total == 0 || random.nextBoolean()) {
            return random.nextInt(items);
        }
        long r = random.nextLong(total);
        int at = Arrays.binarySearch(cumulative, r + 1);
        // The first item whose cumulative count exceeds r: an exact hit may sit on a run of zero-count items.
        if (at < 0) {
            return -at - 1;
        }
        while (at > 0 && cumulative[at - 1] == r + 1) {
            at--;
        }
        return at;
    }
}
