package dev.arbor.treetrain;

import dev.arbor.dataset.TrainingSamples;
import dev.arbor.format.TreeShape;
import dev.arbor.nn.Batch;
import dev.arbor.nn.Parallel;
import dev.arbor.nn.TrainableModel;
import dev.arbor.scorer.LevelScorer;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * OTM's training pairs (arXiv 2006.15408, Algorithm 1): a sample trains on the nodes that beam search scores from the
 * start level to the leaves, the serving {@link BeamSearcher} over the model frozen for the step, each labelled with
 * its {@link PseudoTargets pseudo-target}. A sample's label set is its target and the items its user met next. The
 * ablations: OTM(-OptEst) labels the nodes as TDM does (1 on a label's path), OTM(-BS) trains on TDM's layer-wise
 * nodes instead (the labels' paths as positives, {@link LayerwiseSampler}'s negatives).
 *
 * <p>A batch's searches run in {@link #beginBatch}, on the trainer's idle workers, each sample's pairs into its
 * worker's buffers; {@link #addPairs} then copies them into the batch. A sample's pairs depend on the sample and the
 * frozen model alone (OTM(-BS)'s random negatives are drawn in {@link #addPairs}, in sample order), so the batch is
 * the same for any thread count. Not thread-safe.
 */
public final class OtmSampler implements PairSampler {
    private final Algorithm.Otm otm;
    private final TreeShape shape;
    private final int[] itemToLeaf;
    private final int startLevel;
    private final TrainingTree tree;
    private final BeamSearcher searcher;
    private final LayerwiseSampler layerwise;
    /** Whether a sample needs the model: to search it, or to compute pseudo-targets. */
    private final boolean usesModel;
    private Worker[] workers = new Worker[0];
    /** The batch {@link #beginBatch} prepared, and where each of its samples' pairs are: worker, offset, count. */
    private TrainingSamples batchSamples;
    private int batchFrom, batchTo;
    private int[] sampleWorker = new int[0], sampleOffset = new int[0], sampleCount = new int[0];
    private long samplesAdded, pairsAdded;

    /**
     * @param layerwise TDM's sampler of the same tree and start level, whose negatives OTM(-BS) trains on
     */
    public OtmSampler(Algorithm.Otm otm, TreeShape shape, int[] itemToLeaf, int startLevel, LayerwiseSampler layerwise) {
        if (startLevel < 0 || startLevel >= shape.levels()) {
            throw new IllegalArgumentException("start level must be in [0, " + shape.levels() + "), got " + startLevel);
        }
        this.otm = otm;
        this.shape = shape;
        this.itemToLeaf = itemToLeaf.clone();
        this.startLevel = startLevel;
        this.tree = new TrainingTree(shape, itemToLeaf);
        this.searcher = new BeamSearcher(tree);
        this.layerwise = layerwise;
        this.usesModel = otm.beamNodes() || otm.pseudoTargets();
    }

    @Override
    public void beginBatch(TrainableModel model, TrainingSamples samples, int from, int to, Parallel parallel) {
        if (usesModel) {
            tree.freeze(model);
        }
        if (workers.length < parallel.workers()) {
            int had = workers.length;
            workers = Arrays.copyOf(workers, parallel.workers());
            for (int w = had; w < workers.length; w++) {
                workers[w] = new Worker(model.architecture().historyLength());
            }
        }
        for (Worker w : workers) {
            w.size = 0;
        }
        int n = to - from;
        if (sampleWorker.length < n) {
            sampleWorker = new int[n];
            sampleOffset = new int[n];
            sampleCount = new int[n];
        }
        batchSamples = samples;
        batchFrom = from;
        batchTo = to;
        parallel.forChunks(n, Math.max(1, n / (4 * parallel.workers())), (worker, a, b) -> {
            Worker w = workers[worker];
            for (int i = a; i < b; i++) {
                sampleWorker[i] = worker;
                sampleOffset[i] = w.size;
                w.sample(samples, from + i);
                sampleCount[i] = w.size - sampleOffset[i];
            }
        });
    }

    @Override
    public void addPairs(Batch batch, TrainingSamples samples, int sample, int[] historyNodes, SplittableRandom random) {
        if (samples != batchSamples || sample < batchFrom || sample >= batchTo) {
            throw new IllegalStateException("sample " + sample + " is not in the batch [" + batchFrom + ", " + batchTo
                    + ") that beginBatch prepared");
        }
        int i = sample - batchFrom, before = batch.pairCount();
        Worker w = workers[sampleWorker[i]];
        int from = sampleOffset[i], end = from + sampleCount[i];
        if (otm.beamNodes()) {
            for (int p = from; p < end; p++) {
                batch.addCandidate(w.rows[p], w.labels[p]);
            }
        } else {
            // Level by level from the leaves, as TDM: the labels' path nodes, then negatives that are none of them.
            for (int level = shape.leafLevel(), p = from; level >= startLevel; level--) {
                int first = p;
                for (; p < end && w.rows[p] >= shape.levelStart(level); p++) {
                    batch.addCandidate(w.rows[p], w.labels[p]);
                }
                layerwise.addNegatives(batch, level, w.rows[first], w.rows, first + 1, p - first - 1, random);
            }
        }
        samplesAdded++;
        pairsAdded += batch.pairCount() - before;
    }

    /** The mean so far (0 before the first sample): a search's nodes vary from sample to sample. */
    @Override
    public int pairsPerSample() {
        return samplesAdded == 0 ? 0 : (int) Math.round((double) pairsAdded / samplesAdded);
    }

    /** One worker's scratch and the pairs of the samples it worked in the current batch. */
    private final class Worker implements BeamSearcher.LevelVisitor {
        private final SearchContext context = otm.beamNodes() ? searcher.newContext() : null;
        private final LevelScorer.User user = otm.pseudoTargets() ? tree.scorer().newUser() : null;
        private final SearchResult result = new SearchResult(1);
        private final PseudoTargets targets = new PseudoTargets(tree, startLevel, otm.labels());
        private final int[] history;
        private final int[] labelItems = new int[otm.labels()];
        /** Where each level's nodes start in {@link #rows} for the sample being searched. */
        private final int[] levelFrom = new int[shape.levels() + 1];
        int[] rows = new int[1024];
        int[] labels = new int[1024];
        int size;

        Worker(int historyLength) {
            history = new int[historyLength];
        }

        void sample(TrainingSamples samples, int sample) {
            targets.begin(labelItems, samples.labels(sample, otm.labels(), labelItems));
            if (usesModel) {
                TdmTrainer.historyNodes(samples, sample, shape, itemToLeaf, history);
            }
            if (otm.beamNodes()) {
                int first = size;
                searcher.search(context.historyNodes(history), 1, otm.beam(), startLevel, this, result);
                if (otm.pseudoTargets()) {
                    targets.compute(tree.scorer(), user, history);
                }
                levelFrom[shape.levels()] = size;
                for (int level = startLevel, p = first; level < shape.levels(); level++) {
                    for (; p < levelFrom[level + 1]; p++) {
                        labels[p] = targets.label(level, rows[p], otm.pseudoTargets());
                    }
                }
            } else {
                if (otm.pseudoTargets()) {
                    targets.compute(tree.scorer(), user, history);
                }
                for (int level = shape.leafLevel(); level >= startLevel; level--) {
                    ensure(size + otm.labels());
                    int n = targets.paths(level, rows, size);
                    for (int p = size; p < size + n; p++) {
                        labels[p] = targets.label(level, rows[p], otm.pseudoTargets());
                    }
                    size += n;
                }
            }
        }

        @Override
        public void visit(int level, int[] nodes, float[] scores, int count) {
            levelFrom[level] = size;
            ensure(size + count);
            System.arraycopy(nodes, 0, rows, size, count);
            size += count;
            if (otm.pseudoTargets()) {
                targets.offer(level, nodes, scores, count);
            }
        }

        private void ensure(int capacity) {
            if (capacity > rows.length) {
                int grown = Math.max(capacity, 2 * rows.length);
                rows = Arrays.copyOf(rows, grown);
                labels = Arrays.copyOf(labels, grown);
            }
        }
    }
}
