package dev.arbor.latticetrain;

import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.TrainingSamples;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeIndex;
import dev.arbor.format.LatticeShape;
import dev.arbor.lattice.PathSizes;
import dev.arbor.nn.Parallel;
import dev.arbor.progress.ProgressListener;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Deep Retrieval's EM training, end to end: every item starts on J random paths; round 0 trains the model on them (an
 * E-step), and each later round first learns the paths anew from the model (an M-step) and then trains the model on
 * them. Each round's index is handed out as it would be served.
 */
public final class LatticeRounds {

    /**
     * @param architecture the model over the lattice (K, D)
     * @param pathsPerItem J, in [1, min(K^D, {@value LatticeIndex#MAX_PATHS_PER_ITEM})]
     * @param rounds       EM rounds; round r > 0 starts with an M-step
     * @param training     each E-step's epochs
     * @param mStep        each M-step's search and assignment
     * @param minHistory   behaviours needed before a target is a sample
     * @param embeddingStd the item tables' initial std
     */
    public record Options(LatticeArchitecture architecture, int pathsPerItem, int rounds, EStep.Config training,
                         MStep.Config mStep, int minHistory, float embeddingStd) {
        public Options {
            LatticeShape lattice = architecture.lattice();
            if (pathsPerItem < 1 || pathsPerItem > LatticeIndex.MAX_PATHS_PER_ITEM) {
                throw new IllegalArgumentException("J (paths per item) must be in [1, " + LatticeIndex.MAX_PATHS_PER_ITEM
                        + "], got " + pathsPerItem);
            }
            if (pathsPerItem > lattice.keySpace()) {
                throw new IllegalArgumentException("J = " + pathsPerItem + " paths per item exceed the lattice's K^D = "
                        + lattice.k() + "^" + lattice.depth() + " = " + lattice.keySpace() + " paths");
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
            }
            if (!Arrays.equals(architecture.windowSizes(), BehaviourWindows.sizes())) {
                throw new IllegalArgumentException("the model's windows " + Arrays.toString(architecture.windowSizes())
                        + " differ from the training samples' " + Arrays.toString(BehaviourWindows.sizes()));
            }
            if (!(embeddingStd >= 0f)) {
                throw new IllegalArgumentException("the embeddings' initial std must be >= 0, got " + embeddingStd);
            }
        }

        /** The parameters as segment properties ({@code train.algorithm} = dr, {@code train.dr.*}). */
        public Map<String, String> properties() {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("train.algorithm", "dr");
            p.put("train.dr.codes", Integer.toString(architecture.k()));
            p.put("train.dr.depth", Integer.toString(architecture.depth()));
            p.put("train.dr.paths", Integer.toString(pathsPerItem));
            p.put("train.dr.alpha", Double.toString(mStep.alpha()));
            p.put("train.dr.beam", Integer.toString(mStep.beam()));
            p.put("train.dr.decay", Double.toString(mStep.decay()));
            p.put("train.dr.mStepSamples", Integer.toString(mStep.samples()));
            p.put("train.dr.negatives", Integer.toString(training.negatives()));
            p.put("train.epochs", Integer.toString(training.epochs()));
            p.put("train.samplesPerEpoch", Integer.toString(training.samplesPerEpoch()));
            p.put("train.batch", Integer.toString(training.batchSamples()));
            p.put("train.learningRate", Float.toString(training.learningRate()));
            p.put("train.seed", Long.toString(training.seed()));
            p.put("train.patience", Integer.toString(training.patience()));
            p.put("train.timeBudgetSeconds", Double.toString(training.timeBudgetSeconds()));
            p.put("train.embeddingStd", Float.toString(embeddingStd));
            return p;
        }
    }

    /**
     * One trained round: the index as it would be served, how long the round took, how its E-step went, and the path
     * sizes of its paths (random in round 0, learnt after).
     */
    public record Round(LatticeIndex index, double seconds, EStep.Outcome training, PathSizes sizes) {
    }

    /** Scores a candidate index (the model after an epoch, on the round's paths) on the validation users. */
    public interface IndexValidation {
        double score(LatticeIndex index);

        String name();
    }

    private LatticeRounds() {
    }

    /**
     * Runs every round, handing each round's index to {@code onRound} as soon as it exists. With a {@code validation}
     * (may be null), each E-step trains to convergence on it.
     */
    public static void run(InteractionLog log, DataSplit split, Options options, Map<String, String> source,
                           ProgressListener progress, IndexValidation validation, Consumer<Round> onRound) {
        int items = log.numItems(), j = options.pathsPerItem();
        LatticeShape lattice = options.architecture().lattice();
        TrainingSamples samples = split.trainingSamples(options.minHistory());
        long seed = options.training().seed();
        progress.message(String.format("dr: %,d items, %,d training samples, a %d x %d lattice (%,d paths), %d paths per"
                + " item", items, samples.size(), lattice.k(), lattice.depth(), lattice.keySpace(), j));
        TrainableLattice model = TrainableLattice.create(options.architecture(), items, options.embeddingStd(), seed);
        int[] itemPaths = randomPaths(lattice, items, j, seed);
        PathSizes sizes = MStep.sizes(lattice, itemPaths, j);
        for (int round = 0; round < options.rounds(); round++) {
            long t = System.nanoTime();
            if (round > 0) {
                MStep.Result m;
                try (Parallel workers = new Parallel(options.training().threads())) {
                    m = MStep.learn(model, samples, itemPaths, j, options.mStep(), workers);
                }
                itemPaths = m.itemPaths();
                sizes = m.sizes();
                progress.message(String.format("dr: M-step in %.1f s: %s; %,d items without samples kept their paths",
                        m.seconds(), describe(sizes), m.kept()));
            } else {
                progress.message("dr: random paths: " + describe(sizes));
            }
            progress.message(String.format("dr: round %d/%d, E-step", round + 1, options.rounds()));
            int[] paths = itemPaths;
            int r = round;
            EStep.Validation epochValidation = validation == null ? null : new EStep.Validation() {
                @Override
                public double score(TrainableLattice m) {
                    return validation.score(toIndex(log, m, paths, options, source, r));
                }

                @Override
                public String name() {
                    return validation.name();
                }
            };
            EStep.Outcome outcome = EStep.train(model, samples, itemPaths, j,
                    options.training().withSeed(seed + 1000L * round), progress, epochValidation);
            onRound.accept(new Round(toIndex(log, model, itemPaths, options, source, round),
                    (System.nanoTime() - t) / 1e9, outcome, sizes));
        }
    }

    /** "paths 1,234, largest 9, mean 2.1, p99 6, 0 items short of J". */
    public static String describe(PathSizes s) {
        return String.format("%,d paths hold items, largest %,d, mean %.2f, median %d, p99 %d, %,d items with fewer"
                + " than J paths", s.paths(), s.largest(), s.mean(), s.median(), s.p99(), s.shortItems());
    }

    /** J distinct paths per item, uniformly at random: the paper's start. */
    static int[] randomPaths(LatticeShape lattice, int items, int pathsPerItem, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int depth = lattice.depth();
        int[] paths = new int[items * pathsPerItem * depth];
        long[] keys = new long[pathsPerItem];
        for (int item = 0; item < items; item++) {
            for (int j = 0; j < pathsPerItem; j++) {
                long key;
                boolean taken;
                do {
                    key = random.nextLong(lattice.keySpace());
                    taken = false;
                    for (int i = 0; i < j; i++) {
                        taken |= keys[i] == key;
                    }
                } while (taken);
                keys[j] = key;
                for (int d = 0; d < depth; d++) {
                    paths[(item * pathsPerItem + j) * depth + d] = lattice.code(key, d);
                }
            }
        }
        return paths;
    }

    /** The serving index of the model and paths as they stand, with the log's ids and categories. */
    static LatticeIndex toIndex(InteractionLog log, TrainableLattice model, int[] itemPaths, Options options,
                                Map<String, String> source, int round) {
        Map<String, String> meta = new LinkedHashMap<>(source);
        meta.putAll(options.properties());
        meta.put("train.rounds", Integer.toString(round + 1));
        InteractionLog.SegmentCategories categories = log.segmentCategories();
        return new LatticeIndex(model.weights(), options.pathsPerItem(), log.itemIds().clone(), itemPaths.clone(),
                model.itemEmbeddings().clone(), model.rerankEmbeddings().clone(), meta, categories.itemCategories(),
                categories.names());
    }
}
