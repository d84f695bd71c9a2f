package dev.arbor.treetrain;

import dev.arbor.dataset.TrainingSamples;
import dev.arbor.nn.Batch;
import dev.arbor.nn.Parallel;
import dev.arbor.nn.TrainableModel;
import java.util.SplittableRandom;

/**
 * Chooses the (user, node) pairs a training sample contributes, and their labels: TDM's layer-wise positives and
 * random negatives ({@link LayerwiseSampler}), or the nodes a beam search visits (OTM).
 */
public interface PairSampler {

    /**
     * Called before each batch is filled with samples {@code [from, to)}, with the model as that step starts from and
     * the trainer's workers, idle until the step: a sampler that searches with the model sees it frozen for the step,
     * and may work out the batch's samples on the workers. The default does nothing.
     */
    default void beginBatch(TrainableModel model, TrainingSamples samples, int from, int to, Parallel workers) {
    }

    /**
     * Adds sample {@code sample}'s candidate nodes to the batch's current group, whose history ({@code historyNodes}:
     * the embedding rows of its behaviours, {@code -1} for an empty slot) was just added.
     */
    void addPairs(Batch batch, TrainingSamples samples, int sample, int[] historyNodes, SplittableRandom random);

    /** Pairs per sample, for the progress lines; an average where it varies. */
    int pairsPerSample();
}
