package dev.arbor.treetrain;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.TreeIndex;
import dev.arbor.format.HierarchicalHistory;
import dev.arbor.format.TreeShape;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.TrainingSamples;
import dev.arbor.nn.TrainableModel;
import dev.arbor.progress.ProgressListener;
import dev.arbor.treebuild.BalancedKMeansTree;
import dev.arbor.treebuild.CategoryTreeInit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;

/**
 * The tree family's alternation, end to end: the first tree from item categories (or another model's item vectors),
 * then for each round train the model on the current tree and rebuild the tree: TDM and OTM re-cluster the learnt
 * item embeddings into a new balanced tree, JTM moves each item to the leaf that maximises the model's own
 * log-likelihood ({@link JtmTreeLearner}). Each round's index is handed out, so the first tree can be compared with
 * learnt ones.
 */
public final class TdmRounds {

    /**
     * @param architecture       the model
     * @param branching          tree branching B
     * @param rounds             training rounds; round r > 0 trains on the tree re-clustered after round r-1
     * @param training           epochs, samples, batch, learning rate, threads, seed of each round
     * @param negativeScale      multiplier on the paper's per-level negative counts
     * @param frequencyNegatives draw negatives in proportion to item frequency instead of uniformly
     * @param startLevel         first level that gets samples
     * @param batchNorm          BatchNorm in the MLP (folded into the weights at export)
     * @param minHistory         minimum behaviours before a target is used as a sample
     * @param embeddingStd       standard deviation of the normal the embedding table starts from
     * @param algorithm          TDM, JTM or OTM: how the tree is rebuilt between rounds and which nodes train
     * @param historyMinLevel    JTM's hierarchical user preference: nodes of level j read the history's ancestors on
     *                           level max(j, historyMinLevel); 0 for the leaves at every level
     * @param spareLeaves        leaves the tree keeps free for items added later ({@code arbor add-items})
     */
    public record Options(ModelArchitecture architecture, int branching, int rounds, TdmTrainer.Config training,
                          double negativeScale, boolean frequencyNegatives, int startLevel, boolean batchNorm,
                          int minHistory, float embeddingStd, Algorithm algorithm, int historyMinLevel,
                          SpareLeaves spareLeaves) {
        public Options {
            java.util.Objects.requireNonNull(algorithm, "algorithm");
            java.util.Objects.requireNonNull(spareLeaves, "spareLeaves");
            if (historyMinLevel < 0) {
                throw new IllegalArgumentException("--hierarchical-history must be a level >= 1, or 0 for none, got "
                        + historyMinLevel);
            }
            if (historyMinLevel > 0 && algorithm instanceof Algorithm.Otm) {
                throw new IllegalArgumentException("--hierarchical-history does not work with --algorithm otm yet: OTM's"
                        + " pseudo-targets score a node's children against one history");
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
            }
            if (!(embeddingStd >= 0f)) {
                throw new IllegalArgumentException("the embeddings' initial std must be >= 0, got " + embeddingStd);
            }
            if (!java.util.Arrays.equals(architecture.windowSizes(), BehaviourWindows.sizes())) {
                throw new IllegalArgumentException("the model's windows " + java.util.Arrays.toString(architecture.windowSizes())
                        + " differ from the training samples' " + java.util.Arrays.toString(BehaviourWindows.sizes()));
            }
        }

        /** As the full constructor, with no spare leaves beyond the smallest tree's padding. */
        public Options(ModelArchitecture architecture, int branching, int rounds, TdmTrainer.Config training,
                       double negativeScale, boolean frequencyNegatives, int startLevel, boolean batchNorm,
                       int minHistory, float embeddingStd, Algorithm algorithm, int historyMinLevel) {
            this(architecture, branching, rounds, training, negativeScale, frequencyNegatives, startLevel, batchNorm,
                    minHistory, embeddingStd, algorithm, historyMinLevel, SpareLeaves.NONE);
        }

        /** As the full constructor, for a model that reads the history's leaves at every level. */
        public Options(ModelArchitecture architecture, int branching, int rounds, TdmTrainer.Config training,
                       double negativeScale, boolean frequencyNegatives, int startLevel, boolean batchNorm,
                       int minHistory, float embeddingStd, Algorithm algorithm) {
            this(architecture, branching, rounds, training, negativeScale, frequencyNegatives, startLevel, batchNorm,
                    minHistory, embeddingStd, algorithm, 0);
        }

        /** As the full constructor, with embeddings drawn at {@link TrainableModel.Options#defaults()}'s std. */
        public Options(ModelArchitecture architecture, int branching, int rounds, TdmTrainer.Config training,
                       double negativeScale, boolean frequencyNegatives, int startLevel, boolean batchNorm,
                       int minHistory) {
            this(architecture, branching, rounds, training, negativeScale, frequencyNegatives, startLevel, batchNorm,
                    minHistory, TrainableModel.Options.defaults().embeddingStd(), new Algorithm.Tdm(), 0);
        }

        /** These options with another learning rate, negative scale and initial embedding std: one tuning trial. */
        public Options withTrial(float learningRate, double scale, float std) {
            return new Options(architecture, branching, rounds, training.withLearningRate(learningRate), scale,
                    frequencyNegatives, startLevel, batchNorm, minHistory, std, algorithm, historyMinLevel, spareLeaves);
        }

        /** These options with {@code n} rounds of at most {@code epochs} epochs each, and no time budget. */
        public Options withRoundsAndEpochs(int n, int epochs) {
            return new Options(architecture, branching, n, training.withEpochsOnly(epochs), negativeScale,
                    frequencyNegatives, startLevel, batchNorm, minHistory, embeddingStd, algorithm, historyMinLevel, spareLeaves);
        }

        /** These options with {@code n} rounds and each round's training under {@code seconds}. */
        public Options withRoundsAndBudget(int n, double seconds) {
            return new Options(architecture, branching, n, training.withTimeBudget(seconds), negativeScale,
                    frequencyNegatives, startLevel, batchNorm, minHistory, embeddingStd, algorithm, historyMinLevel,
                    spareLeaves);
        }

        /** These options with {@code spare} leaves kept free in every tree they build. */
        public Options withSpareLeaves(SpareLeaves spare) {
            return new Options(architecture, branching, rounds, training, negativeScale, frequencyNegatives, startLevel,
                    batchNorm, minHistory, embeddingStd, algorithm, historyMinLevel, spare);
        }

        /** The tree every round of these options trains on, for {@code items} items. */
        public TreeShape treeShape(int items) {
            return TreeShape.forItems(branching, items, spareLeaves.forItems(items));
        }
    }

    /** One trained round: the index as it would be served, how long the round took, and how training went. */
    public record Round(TreeIndex index, double seconds, TdmTrainer.Outcome training, String tree) {
        public double loss() {
            return training.loss();
        }
    }

    /** Scores a candidate index (the model as it stands after an epoch) on the validation users; higher is better. */
    public interface IndexValidation {
        double score(TreeIndex index);

        /** What {@link #score} measures, for the epoch lines. */
        String name();
    }

    private TdmRounds() {
    }

    /**
     * A first tree other than the category tree: for example balanced k-means over item vectors that another model
     * learnt, as practitioners start TDM in production.
     *
     * @param name       how the tree is called in the progress lines and the segment's properties
     * @param itemToLeaf the leaf of each item
     */
    public record FirstTree(String name, int[] itemToLeaf) {
    }

    /** {@link #run(InteractionLog, DataSplit, Options, Map, ProgressListener, IndexValidation, FirstTree, Consumer)} for fixed epochs from the category tree. */
    public static void run(InteractionLog log, DataSplit split, Options options, Map<String, String> source,
                           ProgressListener progress, Consumer<Round> onRound) {
        run(log, split, options, source, progress, null, null, onRound);
    }

    /**
     * Runs every round, handing each trained index to {@code onRound} as soon as it exists; what each stage does
     * and how long it takes goes to {@code progress}. With a {@code validation}, each round trains to convergence
     * on it (see {@link TdmTrainer}). The first round trains on {@code firstTree}, or on the category tree when it
     * is null.
     */
    public static void run(InteractionLog log, DataSplit split, Options options, Map<String, String> source,
                           ProgressListener progress, IndexValidation validation, FirstTree firstTree,
                           Consumer<Round> onRound) {
        int items = log.numItems(), d = options.architecture().embeddingDim();
        TreeShape shape = options.treeShape(items);
        TrainingSamples samples = split.trainingSamples(options.minHistory());
        long[] frequency = options.frequencyNegatives() ? trainingFrequencies(log, split.trainUsers()) : null;
        NegativeSchedule schedule = NegativeSchedule.paper(shape.levels(), options.negativeScale());
        long seed = options.training().seed();
        String name = options.algorithm().key();
        progress.message(String.format(name + ": %,d items, %,d training samples, tree B=%d with %d levels (%,d spare"
                + " leaves), negatives per level %s", items, samples.size(), options.branching(), shape.levels(),
                shape.leafCount() - items, schedule));
        if (firstTree != null && firstTree.itemToLeaf().length != items) {
            throw new IllegalArgumentException("the first tree places " + firstTree.itemToLeaf().length + " items, the log has "
                    + items);
        }
        if (options.algorithm() instanceof Algorithm.Jtm jtm && jtm.gap() > shape.leafLevel()) {
            throw new IllegalArgumentException("--jtm-gap " + jtm.gap() + " is deeper than the tree, which has "
                    + shape.leafLevel() + " levels below the root");
        }
        if (options.historyMinLevel() > shape.leafLevel()) {
            throw new IllegalArgumentException("--hierarchical-history " + options.historyMinLevel() + " is deeper than the"
                    + " tree's leaf level " + shape.leafLevel());
        }
        HierarchicalHistory hierarchy = options.historyMinLevel() == 0 ? null
                : new HierarchicalHistory(shape, options.historyMinLevel());
        int[] itemToLeaf = firstTree == null ? CategoryTreeInit.build(shape, log.itemCategories(), seed)
                : firstTree.itemToLeaf().clone();
        TrainableModel model = TrainableModel.create(options.architecture(), shape.nodeCount(),
                TrainableModel.Options.defaults().withBatchNorm(options.batchNorm())
                        .withEmbeddingStd(options.embeddingStd()), seed);
        String tree = firstTree == null ? "category" : firstTree.name();
        for (int round = 0; round < options.rounds(); round++) {
            if (round > 0 && options.algorithm() instanceof Algorithm.Jtm jtm) {
                int[] learnt = learnTree(shape, itemToLeaf, model, samples, jtm, options.training().threads(), hierarchy,
                        progress);
                model = TrainableModel.fromWeights(model.export(), movedLeaves(model.embeddings(), shape, itemToLeaf,
                        learnt, d));
                itemToLeaf = learnt;
                tree = "jtm (round " + round + ")";
            } else if (round > 0) {
                long t = System.nanoTime();
                float[] itemEmbeddings = itemEmbeddings(model.embeddings(), shape, itemToLeaf, d);
                itemToLeaf = BalancedKMeansTree.build(shape, itemEmbeddings, d, BalancedKMeansTree.Config.defaults(seed + round),
                        progress);
                float[] table = embeddingTable(shape, itemToLeaf, itemEmbeddings, d);
                model = TrainableModel.fromWeights(model.export(), table);
                tree = "learnt (round " + round + ")";
                progress.message(String.format(name + ": re-clustered %,d items into a new tree in %.1f s", items,
                        (System.nanoTime() - t) / 1e9));
            }
            progress.message(String.format(name + ": round %d/%d on the %s tree", round + 1, options.rounds(), tree));
            long t = System.nanoTime();
            PairSampler sampler = pairSampler(options, round, shape, itemToLeaf, schedule, frequency);
            TdmTrainer.Validation epochValidation = null;
            if (validation != null) {
                int[] leaves = itemToLeaf;
                String treeName = tree;
                int r = round;
                epochValidation = new TdmTrainer.Validation() {
                    @Override
                    public double score(TrainableModel m) {
                        return validation.score(toIndex(log, shape, leaves, m, options, source, treeName, r));
                    }

                    @Override
                    public String name() {
                        return validation.name();
                    }
                };
            }
            TdmTrainer.Outcome outcome = TdmTrainer.train(model, samples, shape, itemToLeaf, sampler,
                    options.training().withSeed(seed + 1000L * round), progress, epochValidation, hierarchy);
            double seconds = (System.nanoTime() - t) / 1e9;
            onRound.accept(new Round(toIndex(log, shape, itemToLeaf, model, options, source, tree, round), seconds,
                    outcome, tree));
        }
    }

    /**
     * JTM's tree learning against the model as trained: each item's samples (at most {@code samplesPerItem}, spread
     * evenly over them) score its candidate nodes, with histories on the tree the model was trained on.
     */
    static int[] learnTree(TreeShape shape, int[] itemToLeaf, TrainableModel model, TrainingSamples samples,
                           Algorithm.Jtm jtm, int threads, HierarchicalHistory hierarchy, ProgressListener progress) {
        int items = itemToLeaf.length;
        int[] offsets = new int[items + 1];
        for (int s = 0; s < samples.size(); s++) {
            offsets[samples.target(s) + 1]++;
        }
        for (int i = 0; i < items; i++) {
            offsets[i + 1] += offsets[i];
        }
        int[] byItem = new int[samples.size()];
        int[] fill = Arrays.copyOf(offsets, items);
        for (int s = 0; s < samples.size(); s++) {
            byItem[fill[samples.target(s)]++] = s;
        }
        int cap = jtm.samplesPerItem();
        JtmTreeLearner.ItemSamples itemSamples = new JtmTreeLearner.ItemSamples() {
            @Override
            public int count(int item) {
                int n = offsets[item + 1] - offsets[item];
                return cap == 0 ? n : Math.min(cap, n);
            }

            @Override
            public void history(int item, int k, int[] out) {
                int n = offsets[item + 1] - offsets[item];
                int pick = cap == 0 || n <= cap ? k : (int) ((long) k * n / cap);
                TdmTrainer.historyNodes(samples, byItem[offsets[item] + pick], shape, itemToLeaf, out);
            }
        };
        JtmTreeLearner.Result r = JtmTreeLearner.learn(shape, itemToLeaf, TrainingTree.frozenScorer(model), itemSamples, jtm.gap(), threads,
                hierarchy, progress);
        progress.message(String.format("jtm: learnt the tree in %.1f s: %,d of %,d items moved, %,d node scores,"
                + " objective %.1f", r.seconds(), r.moved(), items, r.nodeScores(), r.objective()));
        return r.itemToLeaf();
    }

    /**
     * The embedding table after JTM moved items: each item's leaf row goes with it to its new leaf, inner nodes keep
     * theirs (the tree was learnt against them), and leaves left empty are zero.
     */
    static float[] movedLeaves(float[] table, TreeShape shape, int[] oldItemToLeaf, int[] newItemToLeaf, int d) {
        float[] out = table.clone();
        int firstLeaf = shape.firstLeaf();
        Arrays.fill(out, firstLeaf * d, shape.nodeCount() * d, 0f);
        for (int item = 0; item < oldItemToLeaf.length; item++) {
            System.arraycopy(table, (firstLeaf + oldItemToLeaf[item]) * d, out, (firstLeaf + newItemToLeaf[item]) * d, d);
        }
        return out;
    }

    /** The training nodes of a round: TDM's layer-wise samples, or OTM's beam after its warm-up rounds. */
    private static PairSampler pairSampler(Options options, int round, TreeShape shape, int[] itemToLeaf,
                                           NegativeSchedule schedule, long[] frequency) {
        LayerwiseSampler layerwise = new LayerwiseSampler(shape, itemToLeaf, schedule, options.startLevel(), frequency);
        if (options.algorithm() instanceof Algorithm.Otm otm) {
            if (options.training().loss() == dev.arbor.nn.Loss.SAMPLED_SOFTMAX) {
                throw new IllegalArgumentException("--loss softmax does not fit --algorithm otm: the softmax needs each"
                        + " group to start with a positive, and a beam's nodes need not hold one; use --loss binary");
            }
            return round < otm.warmUpRounds() ? layerwise
                    : new OtmSampler(otm, shape, itemToLeaf, options.startLevel(), layerwise);
        }
        return layerwise;
    }

    /**
     * The serving index: node embeddings from the model's table, with empty subtrees zeroed as the format says, and
     * the log's item categories when it has them; items in {@link InteractionLog#NO_CATEGORY} get none (-1).
     */
    static TreeIndex toIndex(InteractionLog log, TreeShape shape, int[] itemToLeaf, TrainableModel model, Options options,
                             Map<String, String> source, String tree, int round) {
        int d = options.architecture().embeddingDim();
        float[] table = model.embeddings().clone();
        boolean[] nonEmpty = nonEmptyNodes(shape, itemToLeaf);
        for (int node = 0; node < nonEmpty.length; node++) {
            if (!nonEmpty[node]) {
                Arrays.fill(table, node * d, (node + 1) * d, 0f);
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(source);
        meta.put("tree", tree);
        meta.put("train.rounds", Integer.toString(round + 1));
        meta.put("train.epochs", Integer.toString(options.training().epochs()));
        meta.put("train.samplesPerEpoch", Integer.toString(options.training().samplesPerEpoch()));
        meta.put("train.batch", Integer.toString(options.training().batchSamples()));
        meta.put("train.learningRate", Float.toString(options.training().learningRate()));
        meta.put("train.negativeScale", Double.toString(options.negativeScale()));
        meta.put("train.frequencyNegatives", Boolean.toString(options.frequencyNegatives()));
        meta.put("train.batchNorm", Boolean.toString(options.batchNorm()));
        meta.put("train.embeddingStd", Float.toString(options.embeddingStd()));
        meta.put("train.seed", Long.toString(options.training().seed()));
        meta.put("train.patience", Integer.toString(options.training().patience()));
        meta.put("train.timeBudgetSeconds", Double.toString(options.training().timeBudgetSeconds()));
        meta.put("train.weightDecay", Float.toString(options.training().weightDecay()));
        meta.put("train.loss", options.training().loss().key());
        meta.put("tree.spareLeaves", options.spareLeaves().toString());
        meta.putAll(options.algorithm().properties());
        if (options.historyMinLevel() > 0) {
            meta.put(HierarchicalHistory.PROPERTY, Integer.toString(options.historyMinLevel()));
        }
        InteractionLog.SegmentCategories categories = log.segmentCategories();
        return new TreeIndex(shape, log.itemIds().clone(), itemToLeaf.clone(), table, model.export(), meta,
                categories.itemCategories(), categories.names(), itemNames(log));
    }

    /** Each item's name, "" for an integer id; empty when no item has a name (FORMAT.md, "Item names"). */
    private static List<String> itemNames(InteractionLog log) {
        if (!log.hasItemNames()) {
            return List.of();
        }
        List<String> names = new ArrayList<>(log.numItems());
        for (int item = 0; item < log.numItems(); item++) {
            String name = log.itemName(item);
            names.add(name == null ? "" : name);
        }
        return names;
    }

    static boolean[] nonEmptyNodes(TreeShape shape, int[] itemToLeaf) {
        boolean[] nonEmpty = new boolean[shape.nodeCount()];
        for (int leaf : itemToLeaf) {
            for (int node = shape.leafNode(leaf); !nonEmpty[node]; node = shape.parent(node)) {
                nonEmpty[node] = true;
                if (node == 0) {
                    break;
                }
            }
        }
        return nonEmpty;
    }

    /** Row of each item's leaf, item-major. */
    static float[] itemEmbeddings(float[] table, TreeShape shape, int[] itemToLeaf, int d) {
        float[] out = new float[itemToLeaf.length * d];
        for (int item = 0; item < itemToLeaf.length; item++) {
            System.arraycopy(table, shape.leafNode(itemToLeaf[item]) * d, out, item * d, d);
        }
        return out;
    }

    /**
     * A fresh table for a new tree: each item's learnt embedding on its new leaf, and every inner node the
     * mean of its non-empty children, so no inner-node state of the old tree survives.
     */
    static float[] embeddingTable(TreeShape shape, int[] itemToLeaf, float[] itemEmbeddings, int d) {
        float[] table = new float[shape.nodeCount() * d];
        int[] count = new int[shape.nodeCount()];
        for (int item = 0; item < itemToLeaf.length; item++) {
            int node = shape.leafNode(itemToLeaf[item]);
            System.arraycopy(itemEmbeddings, item * d, table, node * d, d);
            count[node] = 1;
        }
        for (int level = shape.levels() - 2; level >= 0; level--) {
            for (int node = shape.levelStart(level); node < shape.levelStart(level + 1); node++) {
                int first = shape.firstChild(node);
                for (int c = first; c < first + shape.branching(); c++) {
                    if (count[c] > 0) {
                        count[node]++;
                        for (int k = 0; k < d; k++) {
                            table[node * d + k] += table[c * d + k];
                        }
                    }
                }
                for (int k = 0; k < d && count[node] > 0; k++) {
                    table[node * d + k] /= count[node];
                }
            }
        }
        return table;
    }

    private static long[] trainingFrequencies(InteractionLog log, int[] trainUsers) {
        long[] freq = new long[log.numItems()];
        int[] offsets = log.userOffsets(), seq = log.sequenceItems();
        for (int u : trainUsers) {
            for (int i = offsets[u]; i < offsets[u + 1]; i++) {
                freq[seq[i]]++;
            }
        }
        return freq;
    }
}
