package dev.arbor.latticetrain;

import dev.arbor.dataset.TrainingSamples;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeShape;
import dev.arbor.nn.Adam;
import dev.arbor.nn.AdamConfig;
import dev.arbor.nn.Parallel;
import dev.arbor.nn.RowGradients;
import java.util.SplittableRandom;

/**
 * One optimiser step of the E-step on a {@link TrainableLattice}: the batch's samples split evenly over the workers
 * ({@link Parallel}), each sample run forward and backward against its target's current paths
 * ({@link LatticeForwardBackward}), the workers' gradients summed in worker order and an Adam step taken: dense on the
 * tensors, lazy on the item rows the batch touched ({@link Adam}). A sample's negatives come from a random stream
 * seeded by the step's seed and the sample's index, so a run does not depend on the thread count. Not thread-safe;
 * {@link #close()} stops the workers.
 */
final class LatticeTrainer implements AutoCloseable {
    /** The mean losses of one step. */
    record StepLoss(double path, double rerank) {
    }

    private final TrainableLattice model;
    private final AdamConfig adam;
    private final int pathsPerItem, negatives, depth;
    private final Parallel parallel;
    private final Adam[] tensorAdam;
    private final Adam itemAdam, rerankAdam;
    private final LatticeForwardBackward[] passes;
    private final LatticeGradients[] grads;
    private final LatticeGradients total;
    private final int[][] history, paths, drawn;
    private final double[] pathLoss, rerankLoss;
    private float learningRateScale = 1f;
    private long step;

    /**
     * @param pathsPerItem J, the most paths a target has
     * @param negatives    the reranker's sampled negatives per sample
     */
    LatticeTrainer(TrainableLattice model, AdamConfig adam, int threads, int pathsPerItem, int negatives) {
        if (negatives < 1) {
            throw new IllegalArgumentException("the reranker needs at least one negative per sample, got " + negatives);
        }
        this.model = model;
        this.adam = adam;
        this.pathsPerItem = pathsPerItem;
        this.negatives = negatives;
        this.depth = model.architecture().depth();
        parallel = new Parallel(threads);
        tensorAdam = new Adam[model.tensorCount()];
        for (int i = 0; i < tensorAdam.length; i++) {
            tensorAdam[i] = new Adam(adam, model.tensor(i).length);
        }
        itemAdam = new Adam(adam, model.itemEmbeddings().length);
        rerankAdam = new Adam(adam, model.rerankEmbeddings().length);
        passes = new LatticeForwardBackward[threads];
        grads = new LatticeGradients[threads];
        history = new int[threads][BehaviourWindows.SLOTS];
        paths = new int[threads][pathsPerItem * depth];
        drawn = new int[threads][negatives];
        for (int t = 0; t < threads; t++) {
            passes[t] = new LatticeForwardBackward(model, pathsPerItem);
            grads[t] = new LatticeGradients(model);
        }
        total = new LatticeGradients(model);
        pathLoss = new double[threads];
        rerankLoss = new double[threads];
    }

    /** The worker pool, idle between steps: the M-step and the validation may use it. */
    Parallel workers() {
        return parallel;
    }

    /** Multiplies the learning rate by {@code factor} from the next step on; Adam's moments are kept. */
    void decayLearningRate(float factor) {
        learningRateScale *= factor;
    }

    float learningRate() {
        return adam.learningRate() * learningRateScale;
    }

    /**
     * A step on samples {@code [from, to)}, each against its target's paths in {@code itemPaths} (item-major, J slots
     * of D codes, unused slots {@link LatticeShape#NO_PATH}, as {@code LatticeIndex} holds them), with negatives drawn
     * from {@code proposal}. Returns the batch's mean losses before the update.
     */
    StepLoss step(TrainingSamples samples, int from, int to, int[] itemPaths, ItemProposal proposal, long seed) {
        computeGradients(samples, from, to, itemPaths, proposal, seed);
        double path = 0, rerank = 0;
        for (int t = 0; t < passes.length; t++) {
            path += pathLoss[t];
            rerank += rerankLoss[t];
        }
        applyAdam();
        return new StepLoss(path / (to - from), rerank / (to - from));
    }

    /** The summed gradients of the mean loss over the batch, left in {@link #gradients()}. */
    void computeGradients(TrainingSamples samples, int from, int to, int[] itemPaths, ItemProposal proposal, long seed) {
        if (to <= from) {
            throw new IllegalArgumentException("empty batch [" + from + ", " + to + ")");
        }
        float scale = 1f / (to - from);
        int n = to - from;
        parallel.forWorkers(t -> {
            LatticeGradients g = grads[t];
            g.clear();
            pathLoss[t] = 0;
            rerankLoss[t] = 0;
            for (int s = from + parallel.from(t, n); s < from + parallel.from(t + 1, n); s++) {
                samples.history(s, history[t], 0);
                int target = samples.target(s);
                int count = targetPaths(itemPaths, target, paths[t]);
                SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + s);
                for (int m = 0; m < negatives; m++) {
                    drawn[t][m] = proposal.draw(random);
                }
                passes[t].run(history[t], 0, paths[t], count, target, drawn[t], negatives, proposal.logQ(), scale, g);
                pathLoss[t] += passes[t].pathLoss();
                rerankLoss[t] += passes[t].rerankLoss();
            }
        });
        total.clear();
        for (LatticeGradients g : grads) {
            total.addAll(g);
        }
    }

    LatticeGradients gradients() {
        return total;
    }

    /** Copies item {@code item}'s used paths into {@code out} and returns how many it has. */
    private int targetPaths(int[] itemPaths, int item, int[] out) {
        int count = 0;
        for (int j = 0; j < pathsPerItem; j++) {
            int at = (item * pathsPerItem + j) * depth;
            if (itemPaths[at] == LatticeShape.NO_PATH) {
                break;
            }
            System.arraycopy(itemPaths, at, out, count * depth, depth);
            count++;
        }
        return count;
    }

    private void applyAdam() {
        step++;
        float size = adam.stepSize(step) * learningRateScale;
        for (int i = 0; i < tensorAdam.length; i++) {
            float[] w = model.tensor(i);
            tensorAdam[i].update(w, 0, total.dense[i], 0, w.length, size);
        }
        update(itemAdam, model.itemEmbeddings(), total.items, size);
        update(rerankAdam, model.rerankEmbeddings(), total.rerankItems, size);
    }

    private static void update(Adam optimiser, float[] table, RowGradients rows, float size) {
        int d = rows.dim();
        for (int s = 0; s < rows.size(); s++) {
            optimiser.update(table, rows.row(s) * d, rows.values(), s * d, d, size);
        }
    }

    @Override
    public void close() {
        parallel.close();
    }
}
