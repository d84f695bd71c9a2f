package dev.arbor.treetrain;

import dev.arbor.dataset.TrainingSamples;
import dev.arbor.format.HierarchicalHistory;
import dev.arbor.format.TreeShape;
import dev.arbor.nn.Batch;
import java.util.SplittableRandom;

/**
 * Training with JTM's hierarchical user preference: a sample's pairs, as its sampler chooses them, are regrouped so
 * that each node is scored against the history its level reads. Consecutive nodes whose levels read the same history
 * level share one group (TDM's levels come one after another, so a sample gets one group per history level), whose
 * history is the sample's mapped to that level. Reusable; not thread-safe.
 */
final class HierarchicalGroups {

    private final HierarchicalHistory hierarchy;
    private final TreeShape shape;
    private Batch sample;
    private int[] mapped;

    HierarchicalGroups(HierarchicalHistory hierarchy) {
        this.hierarchy = hierarchy;
        this.shape = hierarchy.shape();
    }

    /** Adds sample {@code s}, with leaf history {@code history}, to {@code batch} as one group per history level. */
    void addSample(Batch batch, PairSampler sampler, TrainingSamples samples, int s, int[] history,
                   SplittableRandom random) {
        if (sample == null) {
            sample = new Batch(history.length);
            mapped = new int[history.length];
        }
        sample.clear();
        sample.addHistory(history);
        sampler.addPairs(sample, samples, s, history, random);
        int current = -1;
        for (int q = 0; q < sample.pairCount(); q++) {
            int node = sample.row(q);
            int level = hierarchy.historyLevel(shape.levelOf(node));
            if (level != current) {
                hierarchy.map(history, level, mapped);
                batch.addHistory(mapped);
                current = level;
            }
            batch.addCandidate(node, sample.label(q));
        }
    }
}
