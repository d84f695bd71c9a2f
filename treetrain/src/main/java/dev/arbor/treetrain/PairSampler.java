package dev.arbor.treetrain;

import dev.arbor.dataset.TrainingSamples;
import dev.arbor.nn.Batch;
import dev.arbor.nn.TrainableModel;
import java.util.SplittableRandom;

/**
 * Chooses the (user, node) pairs a training sample contributes, and their labels: TDM's layer-wise positives and
 * random negatives ({@link LayerwiseSampler}), or the nodes a beam search visits (OTM).
 */
public interface PairSampler {

    /**
     * Called before each batch is filled, with the model as that step starts from: a sampler that searches with the
     * model sees it frozen for the step. The default does nothing.
     */
    default void beginBatch(TrainableModel model) {
    }

    /**
     * Adds sample {@code sample}'s candidate nodes to the batch's current group, whose history ({@code historyNodes}:
     * the embedding rows of its behaviours, {@code -1} for an empty slot) was just added.
     */
    void addPairs(Batch batch, TrainingSamples samples, int sample, int[] historyNodes, SplittableRandom random);

    /** Pairs per sample, for the progress lines; an average where it varies. */
    int pairsPerSample();
}
