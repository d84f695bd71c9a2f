package dev.arbor.nn;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelWeights;
import dev.arbor.format.TensorSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A scoring model being trained: the parameter tensors of a {@link ModelArchitecture} (same names and
 * order as {@link ModelArchitecture#tensors()}), optional BatchNorm after each hidden dense layer, and an
 * embedding table of {@code rows x embeddingDim} floats whose rows are both the behaviours of a history
 * and the candidates (what a row stands for is the caller's choice; the TDM trainer uses one row per tree
 * node). Train it with a {@link MinibatchTrainer}; {@link #export()} produces the canonical serving weights.
 *
 * <p>With BatchNorm the parameters are the canonical tensors followed by {@code bn<i>.gamma} and
 * {@code bn<i>.beta} per hidden layer; the running mean and variance are state, not parameters.
 *
 * <p>{@link #score} may be called from several threads at once (each uses its own scratch), but not while
 * a {@link MinibatchTrainer} is updating the model.
 */
public final class TrainableModel {

    /**
     * Model options.
     *
     * @param batchNorm    BatchNorm (batch statistics in training, running ones in inference) between each
     *                     hidden dense layer and its PReLU
     * @param bnEpsilon    added to the variance before the square root
     * @param bnMomentum   weight of the current batch in the running mean and variance
     * @param embeddingStd standard deviation of the normal the embedding table is drawn from
     */
    public record Options(boolean batchNorm, float bnEpsilon, float bnMomentum, float embeddingStd) {

        public Options {
            if (!(bnEpsilon > 0f) || !(bnMomentum > 0f && bnMomentum <= 1f) || !(embeddingStd >= 0f)) {
                throw new IllegalArgumentException("invalid options " + bnEpsilon + ", " + bnMomentum + ", "
                        + embeddingStd);
            }
        }

        /** No BatchNorm; BN epsilon 1e-5 and momentum 0.01 if turned on; embeddings drawn with std 0.01. */
        public static Options defaults() {
            return new Options(false, 1e-5f, 0.01f, 0.01f);
        }

        public Options withBatchNorm(boolean on) {
            return new Options(on, bnEpsilon, bnMomentum, embeddingStd);
        }

        public Options withEmbeddingStd(float std) {
            return new Options(batchNorm, bnEpsilon, bnMomentum, std);
        }
    }

    private static final float INITIAL_SLOPE = 0.25f;

    private final ModelArchitecture architecture;
    private final Options options;
    private final List<String> names;
    private final float[][] params;
    private final float[] embeddings;
    private final int rows;
    /** Per hidden layer; null without BatchNorm. */
    private final float[][] runningMean;
    private final float[][] runningVar;
    private final ThreadLocal<ScoringScratch> scoringScratch;

    // Parameter indices (into params); the attention ones are -1 for the MLP kind, the BN ones null without BN.
    final int attW1;
    final int attB1;
    final int attAlpha;
    final int attW2;
    final int attB2;
    final int[] mlpW;
    final int[] mlpB;
    final int[] mlpAlpha;
    final int outW;
    final int outB;
    final int[] bnGamma;
    final int[] bnBeta;

    private TrainableModel(ModelArchitecture architecture, int rows, Options options) {
        if (rows < 1 || (long) rows * architecture.embeddingDim() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("embedding rows out of range: " + rows);
        }
        this.architecture = architecture;
        this.options = options;
        this.rows = rows;
        this.embeddings = new float[rows * architecture.embeddingDim()];
        List<TensorSpec> specs = new ArrayList<>(architecture.tensors());
        int layers = architecture.mlpHidden().length;
        if (options.batchNorm()) {
            for (int l = 0; l < layers; l++) {
                specs.add(new TensorSpec("bn" + l + ".gamma", 1, architecture.mlpHidden()[l]));
                specs.add(new TensorSpec("bn" + l + ".beta", 1, architecture.mlpHidden()[l]));
            }
        }
        List<String> n = new ArrayList<>();
        params = new float[specs.size()][];
        for (int i = 0; i < params.length; i++) {
            n.add(specs.get(i).name());
            params[i] = new float[specs.get(i).size()];
        }
        names = Collections.unmodifiableList(n);
        boolean att = architecture.hasAttention();
        attW1 = att ? names.indexOf("att.w1") : -1;
        attB1 = att ? names.indexOf("att.b1") : -1;
        attAlpha = att ? names.indexOf("att.alpha") : -1;
        attW2 = att ? names.indexOf("att.w2") : -1;
        attB2 = att ? names.indexOf("att.b2") : -1;
        mlpW = new int[layers];
        mlpB = new int[layers];
        mlpAlpha = new int[layers];
        for (int l = 0; l < layers; l++) {
            mlpW[l] = names.indexOf("mlp" + l + ".w");
            mlpB[l] = names.indexOf("mlp" + l + ".b");
            mlpAlpha[l] = names.indexOf("mlp" + l + ".alpha");
        }
        outW = names.indexOf("out.w");
        outB = names.indexOf("out.b");
        if (options.batchNorm()) {
            bnGamma = new int[layers];
            bnBeta = new int[layers];
            runningMean = new float[layers][];
            runningVar = new float[layers][];
            for (int l = 0; l < layers; l++) {
                bnGamma[l] = names.indexOf("bn" + l + ".gamma");
                bnBeta[l] = names.indexOf("bn" + l + ".beta");
                Arrays.fill(params[bnGamma[l]], 1f);
                runningMean[l] = new float[architecture.mlpHidden()[l]];
                runningVar[l] = new float[architecture.mlpHidden()[l]];
                Arrays.fill(runningVar[l], 1f);
            }
        } else {
            bnGamma = null;
            bnBeta = null;
            runningMean = null;
            runningVar = null;
        }
        scoringScratch = ThreadLocal.withInitial(() -> newScoringScratch());
    }

    /**
     * A freshly initialised model: He-normal dense layers feeding a PReLU, Xavier-normal for the linear
     * ones ({@code att.w2}, {@code out.w}), zero biases, PReLU slopes 0.25, BatchNorm at identity and the
     * embedding table drawn from {@code N(0, embeddingStd^2)}, all from {@code seed}.
     */
    public static TrainableModel create(ModelArchitecture architecture, int embeddingRows, Options options,
                                        long seed) {
        TrainableModel m = new TrainableModel(architecture, embeddingRows, options);
        SplittableRandom random = new SplittableRandom(seed);
        int d = architecture.embeddingDim();
        int layers = architecture.mlpHidden().length;
        if (architecture.hasAttention()) {
            int a = architecture.attentionHidden();
            gaussian(m.params[m.attW1], he(3 * d), random);
            Arrays.fill(m.params[m.attAlpha], INITIAL_SLOPE);
            gaussian(m.params[m.attW2], xavier(a, 1), random);
            // The unit starts as a small perturbation of a = 1, i.e. of the MLP model's plain mean pooling,
            // so that behaviours reach the MLP from the first step instead of being scaled by ~0.
            m.params[m.attB2][0] = 1f;
        }
        int in = architecture.mlpInput();
        for (int l = 0; l < layers; l++) {
            gaussian(m.params[m.mlpW[l]], he(in), random);
            Arrays.fill(m.params[m.mlpAlpha[l]], INITIAL_SLOPE);
            in = architecture.mlpHidden()[l];
        }
        gaussian(m.params[m.outW], xavier(in, ModelArchitecture.OUTPUTS), random);
        gaussian(m.embeddings, options.embeddingStd(), random);
        return m;
    }

    /** A model (without BatchNorm) holding a copy of the given weights and embedding table. */
    public static TrainableModel fromWeights(ModelWeights weights, float[] embeddingTable) {
        int d = weights.architecture().embeddingDim();
        if (embeddingTable.length % d != 0) {
            throw new IllegalArgumentException("embedding table length " + embeddingTable.length
                    + " is not a multiple of " + d);
        }
        TrainableModel m = new TrainableModel(weights.architecture(), embeddingTable.length / d,
                Options.defaults());
        for (int i = 0; i < m.params.length; i++) {
            System.arraycopy(weights.tensors()[i], 0, m.params[i], 0, m.params[i].length);
        }
        System.arraycopy(embeddingTable, 0, m.embeddings, 0, embeddingTable.length);
        return m;
    }

    /** He-normal std for a layer followed by PReLU with slope 0.25 (He et al. 2015, eq. 15). */
    private static float he(int fanIn) {
        return (float) Math.sqrt(2.0 / ((1 + INITIAL_SLOPE * INITIAL_SLOPE) * fanIn));
    }

    private static float xavier(int fanIn, int fanOut) {
        return (float) Math.sqrt(2.0 / (fanIn + fanOut));
    }

    private static void gaussian(float[] t, float std, SplittableRandom random) {
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) (random.nextGaussian() * std);
        }
    }

    public ModelArchitecture architecture() {
        return architecture;
    }

    public Options options() {
        return options;
    }

    public int embeddingRows() {
        return rows;
    }

    /** The live embedding table, row-major {@code embeddingRows() x embeddingDim}; writes go straight to the model. */
    public float[] embeddings() {
        return embeddings;
    }

    /** Names of the parameter tensors, in {@link #parameter(int)} order. */
    public List<String> parameterNames() {
        return names;
    }

    public int parameterCount() {
        return params.length;
    }

    /** The live parameter tensor (row-major, shaped as its {@link TensorSpec}). */
    public float[] parameter(int index) {
        return params[index];
    }

    public float[] parameter(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no parameter " + name + " in " + names);
        }
        return params[i];
    }

    /**
     * A copy of the model's whole state (parameters, embedding table, BatchNorm statistics): the checkpoint that
     * early stopping returns to with {@link #restore}.
     */
    public float[][] checkpoint() {
        float[][] live = liveState();
        float[][] copy = new float[live.length][];
        for (int i = 0; i < live.length; i++) {
            copy[i] = live[i].clone();
        }
        return copy;
    }

    /** Puts back the state a {@link #checkpoint()} of this model copied. */
    public void restore(float[][] checkpoint) {
        float[][] live = liveState();
        if (checkpoint.length != live.length) {
            throw new IllegalArgumentException("a checkpoint of " + checkpoint.length + " arrays, the model has " + live.length);
        }
        for (int i = 0; i < live.length; i++) {
            if (checkpoint[i].length != live[i].length) {
                throw new IllegalArgumentException("checkpoint array " + i + " holds " + checkpoint[i].length
                        + " floats, the model's " + live[i].length);
            }
            System.arraycopy(checkpoint[i], 0, live[i], 0, live[i].length);
        }
    }

    private float[][] liveState() {
        List<float[]> state = new ArrayList<>(List.of(params));
        state.add(embeddings);
        if (runningMean != null) {
            state.addAll(List.of(runningMean));
            state.addAll(List.of(runningVar));
        }
        return state.toArray(float[][]::new);
    }

    /** Running mean of hidden layer {@code layer}'s dense output; BatchNorm models only. */
    public float[] runningMean(int layer) {
        requireBatchNorm();
        return runningMean[layer];
    }

    /** Running (unbiased) variance of hidden layer {@code layer}'s dense output; BatchNorm models only. */
    public float[] runningVar(int layer) {
        requireBatchNorm();
        return runningVar[layer];
    }

    private void requireBatchNorm() {
        if (runningMean == null) {
            throw new IllegalStateException("model has no BatchNorm");
        }
    }

    /** Moves the running statistics towards one batch's mean and biased variance over {@code pairs} rows. */
    void updateRunningStats(int layer, float[] batchMean, float[] batchVar, int pairs) {
        float m = options.bnMomentum();
        // Running variance estimates the population variance, so it takes the unbiased batch variance.
        float unbias = pairs > 1 ? pairs / (pairs - 1f) : 1f;
        float[] rm = runningMean[layer];
        float[] rv = runningVar[layer];
        for (int i = 0; i < rm.length; i++) {
            rm[i] += m * (batchMean[i] - rm[i]);
            rv[i] += m * (batchVar[i] * unbias - rv[i]);
        }
    }

    /** {@code 1 / sqrt(var + eps)}, element-wise into {@code out}. */
    void inverseStd(float[] var, float[] out) {
        for (int i = 0; i < var.length; i++) {
            out[i] = (float) (1.0 / Math.sqrt(var[i] + options.bnEpsilon()));
        }
    }

    BatchActivations newActivations() {
        return new BatchActivations(architecture.mlpHidden(), options.batchNorm());
    }

    /**
     * Scores candidates for one history in inference mode (BatchNorm uses the running statistics):
     * {@code out[i] = logit1 - logit0} for candidate row {@code candidateRows[i]}, {@code i < count}.
     * {@code history} holds {@link ModelArchitecture#historyLength()} embedding rows, oldest first, -1 for
     * an empty slot.
     */
    public void score(int[] history, int[] candidateRows, int count, float[] out) {
        if (history.length != architecture.historyLength()) {
            throw new IllegalArgumentException("history must have " + architecture.historyLength() + " slots, got "
                    + history.length);
        }
        ScoringScratch e = scoringScratch.get();
        e.activations.ensure(count);
        e.transposed.refresh();
        e.worker.forwardInput(history, 0, candidateRows, 0, count, e.activations, 0);
        int layers = architecture.mlpHidden().length;
        for (int l = 0; l < layers; l++) {
            float[] mean = null;
            float[] invStd = null;
            if (options.batchNorm()) {
                mean = runningMean[l];
                invStd = e.worker.inverseStdScratch(l);
                inverseStd(runningVar[l], invStd);
            }
            e.worker.activate(l, 0, count, e.activations, mean, invStd);
            e.worker.dense(l + 1, 0, count, e.activations);
        }
        float[] logits = e.activations.logits;
        for (int i = 0; i < count; i++) {
            out[i] = logits[2 * i + 1] - logits[2 * i];
        }
    }

    /**
     * The canonical serving weights: a copy of the tensors, with each BatchNorm folded (using the running
     * statistics) into the dense layer before it: {@code W' = s W}, {@code b' = s (b - mean) + beta} with
     * {@code s = gamma / sqrt(var + eps)} per unit. Scores from the result equal {@link #score}'s.
     */
    public ModelWeights export() {
        List<TensorSpec> specs = architecture.tensors();
        float[][] t = new float[specs.size()][];
        for (int i = 0; i < t.length; i++) {
            t[i] = params[i].clone();
        }
        if (options.batchNorm()) {
            int in = architecture.mlpInput();
            for (int l = 0; l < runningMean.length; l++) {
                float[] w = t[mlpW[l]];
                float[] b = t[mlpB[l]];
                float[] gamma = params[bnGamma[l]];
                float[] beta = params[bnBeta[l]];
                for (int i = 0; i < b.length; i++) {
                    double s = gamma[i] / Math.sqrt((double) runningVar[l][i] + options.bnEpsilon());
                    for (int j = 0; j < in; j++) {
                        w[i * in + j] = (float) (s * w[i * in + j]);
                    }
                    b[i] = (float) (s * (b[i] - runningMean[l][i]) + beta[i]);
                }
                in = b.length;
            }
        }
        return new ModelWeights(architecture, t);
    }

    private ScoringScratch newScoringScratch() {
        TransposedWeights transposed = new TransposedWeights(this);
        return new ScoringScratch(new ForwardBackward(this, transposed), transposed, newActivations());
    }

    private record ScoringScratch(ForwardBackward worker, TransposedWeights transposed, BatchActivations activations) {
    }
}
