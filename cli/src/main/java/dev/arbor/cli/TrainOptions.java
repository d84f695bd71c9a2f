package dev.arbor.cli;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.jobs.TrainJob;
import dev.arbor.nn.Loss;
import dev.arbor.nn.TrainableModel;
import dev.arbor.treetrain.Algorithm;
import dev.arbor.treetrain.SpareLeaves;
import dev.arbor.treetrain.TdmRounds;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeIndex;
import dev.arbor.format.LatticeShape;
import dev.arbor.latticetrain.EStep;
import dev.arbor.latticetrain.LatticeRounds;
import dev.arbor.latticetrain.MStep;
import dev.arbor.treetrain.TdmTrainer;
import picocli.CommandLine.Option;

/** Model, tree and training options of TDM; shared by train and quickstart. */
final class TrainOptions {
    @Option(names = "--model", defaultValue = "attention", description = "attention (TDM attention-DNN) or mlp (DNN baseline).")
    String model;

    @Option(names = "--branching", defaultValue = "2", description = "Tree branching factor (default: ${DEFAULT-VALUE}).")
    int branching;

    @Option(names = "--spare-leaves", defaultValue = "0", description = "Leaves the tree keeps free for items added"
            + " later with arbor add-items: a fraction of the items (0.25) or a count (5000); the tree is the smallest"
            + " with that many padding leaves, spread evenly (default: ${DEFAULT-VALUE}, the smallest tree's padding).")
    String spareLeaves;

    @Option(names = "--rounds", defaultValue = "2", description = "Training rounds; each after the first re-clusters the tree (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--epochs", defaultValue = "20", description = "Most epochs per round; a round stops sooner when"
            + " the validation users' recall stops improving, see --patience (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--samples-per-epoch", defaultValue = "0", description = "Cap on samples per epoch, 0 = all (default: ${DEFAULT-VALUE}).")
    int samplesPerEpoch;

    @Option(names = "--batch", defaultValue = "100", description = "Samples per optimiser step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.002", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--negative-scale", defaultValue = "0.1", description = "Multiplier on the paper's per-level negatives (default: ${DEFAULT-VALUE}).")
    double negativeScale;

    @Option(names = "--frequency-negatives", description = "Draw negatives by item frequency instead of uniformly.")
    boolean frequencyNegatives;

    @Option(names = "--start-level", defaultValue = "1", description = "First tree level that gets samples (default: ${DEFAULT-VALUE}).")
    int startLevel;

    @Option(names = "--batch-norm", description = "BatchNorm in the MLP, folded into the weights when written.")
    boolean batchNorm;

    @Option(names = "--min-history", defaultValue = "4", description = "Behaviours needed before a target is a sample (default: ${DEFAULT-VALUE}).")
    int minHistory;

    @Option(names = "--threads", description = "Training threads (default: all cores).")
    Integer threads;

    @Option(names = "--patience", defaultValue = "2", description = "Training runs to convergence: after each epoch it"
            + " measures beam search's recall at --validation-k on the validation users, halves the learning rate after an"
            + " epoch that does not improve it, stops the round after this many such epochs in a row and keeps the best"
            + " epoch. Set it to --epochs for a fixed number of epochs (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--validation-k", defaultValue = "50", description = "K of the validation recall that --patience"
            + " watches (default: ${DEFAULT-VALUE}).")
    int validationK;

    @Option(names = "--time-budget", description = "Stop each round's training after this many seconds (default: none).")
    Double timeBudgetSeconds;

    @Option(names = "--tune", description = "Before training, search the learning rate, the negatives' scale and the"
            + " embeddings' initial std on the validation users for at most this many seconds, and train with the best;"
            + " the trials are logged as a table (default: no search).")
    Double tuneSeconds;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Decoupled (AdamW) weight decay of the weight"
            + " matrices and embeddings (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--loss", defaultValue = "binary", description = "binary (the logistic loss of each pair, as in the"
            + " TDM paper) or softmax (each level's positive against that level's negatives, as JTM writes TDM's"
            + " objective) (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--init-tree", defaultValue = "category", description = "The first round's tree: category (items"
            + " grouped by category, as in the paper) or two-tower (balanced k-means over the two-tower baseline's item"
            + " vectors) (default: ${DEFAULT-VALUE}).")
    String initTree;

    @Option(names = "--algorithm", defaultValue = "tdm", description = "tdm (k-means tree between rounds), jtm (each"
            + " item moves to the leaf that maximises the model's log-likelihood of its samples), otm (train on the nodes"
            + " beam search visits, with pseudo-targets) or dr (Deep Retrieval: a K x D path lattice learnt by EM, each"
            + " item on J paths, a reranker over the top paths' items; see --codes) (default: ${DEFAULT-VALUE}).")
    String algorithm;

    @Option(names = "--codes", defaultValue = "100", description = "DR: K, the codes per layer, in [2, 65536]"
            + " (default: ${DEFAULT-VALUE}).")
    int codes;

    @Option(names = "--depth", defaultValue = "3", description = "DR: D, the layers, in [1, 64] (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--paths", defaultValue = "3", description = "DR: J, the paths per item, in [1, 1024] and at most"
            + " K^D (default: ${DEFAULT-VALUE}).")
    int paths;

    @Option(names = "--alpha", defaultValue = "1e-5", description = "DR: the M-step's path-size penalty factor α (on"
            + " x^4/4 of each path's size x); larger spreads items thinner (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--dr-beam", defaultValue = "50", description = "DR: the M-step's beam, and the paths each training"
            + " sample scores for its item (default: ${DEFAULT-VALUE}).")
    int drBeam;

    @Option(names = "--dr-negatives", defaultValue = "100", description = "DR: the reranker's sampled negatives per"
            + " sample, drawn half by popularity, half uniformly, with the logQ correction (default: ${DEFAULT-VALUE}).")
    int drNegatives;

    @Option(names = "--dr-m-step-samples", defaultValue = "0", description = "DR: the most training samples each M-step"
            + " searches, 0 = all (default: ${DEFAULT-VALUE}).")
    int drMStepSamples;

    @Option(names = "--jtm-gap", defaultValue = "2", description = "JTM: tree levels assigned per step, the paper's d; 2 won on ml-100k's validation users against 7, and is faster (docs/QUALITY.md)"
            + " (default: ${DEFAULT-VALUE}).")
    int jtmGap;

    @Option(names = "--jtm-samples-per-item", defaultValue = "0", description = "JTM: the most training samples of one"
            + " item that score its candidate nodes, 0 = all (default: ${DEFAULT-VALUE}).")
    int jtmSamplesPerItem;

    @Option(names = "--hierarchical-history", defaultValue = "0", description = "JTM's hierarchical user preference:"
            + " a node of level j is scored against the history's ancestors on level max(j, L), which the index records"
            + " and search follows; 0 = the leaves at every level (default: ${DEFAULT-VALUE}).")
    int hierarchicalHistory;

    @Option(names = "--otm-beam", defaultValue = "20", description = "OTM: the training beam search's width"
            + " (default: ${DEFAULT-VALUE}).")
    int otmBeam;

    @Option(names = "--otm-labels", defaultValue = "1", description = "OTM: the user's next items that form a"
            + " sample's label set (default: ${DEFAULT-VALUE}).")
    int otmLabels;

    @Option(names = "--otm-warm-up-rounds", defaultValue = "0", description = "OTM: first rounds trained TDM's way, so"
            + " that the beam of the later rounds finds positives (default: ${DEFAULT-VALUE}).")
    int otmWarmUpRounds;

    @Option(names = "--otm-nodes", defaultValue = "beam", description = "OTM: beam (the nodes beam search visits) or"
            + " sampled (TDM's nodes: the OTM(-BS) ablation) (default: ${DEFAULT-VALUE}).")
    String otmNodes;

    @Option(names = "--otm-targets", defaultValue = "pseudo", description = "OTM: pseudo (bottom-up pseudo-targets) or"
            + " tdm (ancestors of a positive: the OTM(-OptEst) ablation) (default: ${DEFAULT-VALUE}).")
    String otmTargets;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of initialisation and sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    TrainJob.FirstTree firstTree() {
        return switch (initTree) {
            case "category" -> TrainJob.FirstTree.CATEGORY;
            case "two-tower" -> TrainJob.FirstTree.TWO_TOWER;
            default -> throw new IllegalArgumentException("--init-tree must be category or two-tower, got " + initTree);
        };
    }

    Algorithm algorithm() {
        return switch (algorithm) {
            case "tdm" -> new Algorithm.Tdm();
            case "jtm" -> new Algorithm.Jtm(jtmGap, jtmSamplesPerItem);
            case "otm" -> new Algorithm.Otm(otmBeam, otmLabels, choice("--otm-nodes", otmNodes, "beam", "sampled"),
                    choice("--otm-targets", otmTargets, "pseudo", "tdm"), otmWarmUpRounds);
            default -> throw new IllegalArgumentException("--algorithm must be tdm, jtm, otm or dr, got " + algorithm);
        };
    }

    /** True for {@code yes}, false for {@code no}, and an error naming {@code option} for anything else. */
    private static boolean choice(String option, String value, String yes, String no) {
        if (value.equals(yes) || value.equals(no)) {
            return value.equals(yes);
        }
        throw new IllegalArgumentException(option + " must be " + yes + " or " + no + ", got " + value);
    }

    /** The tuning budget in seconds, 0 for none. */
    double tuneSeconds() {
        if (tuneSeconds == null) {
            return 0;
        }
        if (!(tuneSeconds > 0)) {
            throw new IllegalArgumentException("--tune must be more than 0 seconds, got " + tuneSeconds);
        }
        return tuneSeconds;
    }

    /** K of the validation recall that training converges on. */
    int validationK() {
        if (validationK < 1) {
            throw new IllegalArgumentException("--validation-k must be at least 1, got " + validationK);
        }
        return validationK;
    }

    /** Whether {@code --algorithm dr} asks for Deep Retrieval's lattice rather than a tree. */
    boolean deepRetrieval() {
        return algorithm.equals("dr");
    }

    /** Deep Retrieval's rounds, with K, D and J checked by option name. */
    LatticeRounds.Options latticePipeline() {
        checkCommon();
        if (codes < LatticeShape.MIN_K || codes > LatticeShape.MAX_K) {
            throw new IllegalArgumentException("--codes (K) must be in [" + LatticeShape.MIN_K + ", " + LatticeShape.MAX_K
                    + "], got " + codes);
        }
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("--depth (D) must be in [1, " + MAX_DEPTH + "], got " + depth);
        }
        LatticeShape lattice;
        try {
            lattice = new LatticeShape(codes, depth);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--codes " + codes + " --depth " + depth + ": " + e.getMessage());
        }
        if (paths < 1 || paths > LatticeIndex.MAX_PATHS_PER_ITEM) {
            throw new IllegalArgumentException("--paths (J) must be in [1, " + LatticeIndex.MAX_PATHS_PER_ITEM + "], got "
                    + paths);
        }
        if (paths > lattice.keySpace()) {
            throw new IllegalArgumentException("--paths " + paths + " exceeds the " + lattice.keySpace() + " paths of a"
                    + " --codes " + codes + " x --depth " + depth + " lattice (J must be at most K^D)");
        }
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        return new LatticeRounds.Options(LatticeArchitecture.defaults(lattice), paths, rounds,
                new EStep.Config(epochs, samplesPerEpoch, batch, learningRate, workers, seed, patience,
                        timeBudgetSeconds == null ? Double.POSITIVE_INFINITY : timeBudgetSeconds, drNegatives),
                new MStep.Config(drBeam, alpha, MSTEP_DECAY, MSTEP_PASSES, drMStepSamples), minHistory,
                TrainableModel.Options.defaults().embeddingStd());
    }

    /** The deepest lattice a segment may declare (FORMAT.md §4). */
    private static final int MAX_DEPTH = 64;
    /** The paper's η and its three to five coordinate-descent passes. */
    private static final double MSTEP_DECAY = 0.999;
    private static final int MSTEP_PASSES = 3;

    private void checkCommon() {
        if (patience < 1) {
            throw new IllegalArgumentException("--patience must be at least 1 epoch, got " + patience);
        }
        if (timeBudgetSeconds != null && !(timeBudgetSeconds > 0)) {
            throw new IllegalArgumentException("--time-budget must be more than 0 seconds, got " + timeBudgetSeconds);
        }
    }

    TdmRounds.Options pipeline() {
        checkCommon();
        if (!(weightDecay >= 0f && weightDecay < 1f)) {
            throw new IllegalArgumentException("--weight-decay must be in [0, 1), got " + weightDecay);
        }
        ModelKind kind = CliSupport.modelKind(model);
        ModelArchitecture arch = kind == ModelKind.ATTENTION_DNN ? ModelArchitecture.tdmAttentionDnn() : ModelArchitecture.tdmMlp();
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        return new TdmRounds.Options(arch, branching, rounds,
                new TdmTrainer.Config(epochs, samplesPerEpoch, batch, learningRate, workers, seed,
                        patience,
                        timeBudgetSeconds == null ? Double.POSITIVE_INFINITY : timeBudgetSeconds, weightDecay, Loss.parse(loss, "--loss")),
                negativeScale,
                frequencyNegatives, startLevel, batchNorm, minHistory, TrainableModel.Options.defaults().embeddingStd(),
                algorithm(), hierarchicalHistory, SpareLeaves.parse(spareLeaves, "--spare-leaves"));
    }
}
