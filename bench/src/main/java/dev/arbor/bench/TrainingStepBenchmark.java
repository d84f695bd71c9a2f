package dev.arbor.bench;

import dev.arbor.dataset.DataFormat;
import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogs;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.dataset.TrainingSamples;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.TreeShape;
import dev.arbor.nn.AdamConfig;
import dev.arbor.nn.Batch;
import dev.arbor.nn.MinibatchTrainer;
import dev.arbor.nn.TrainableModel;
import dev.arbor.treebuild.CategoryTreeInit;
import dev.arbor.treetrain.LayerwiseSampler;
import dev.arbor.treetrain.NegativeSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * One optimiser step of TDM training on real samples: ml-1m's training users, the category tree, the
 * attention-DNN, {@code arbor train}'s default batch (100 samples) and negatives (0.1x the paper's per-level
 * counts), on every core. Batches are sampled once at setup, as {@code arbor train} samples them, and stepped in
 * turn. Reports steps/s; the {@link Counters} give samples/s, pairs/s, and GFLOPS from the executed GEMM
 * multiply-adds ({@link MinibatchTrainer#multiplyAdds}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
public class TrainingStepBenchmark {
    private static final int BATCHES = 500;

    /** The ml-1m directory ({@code ratings.dat}, {@code movies.dat}). */
    @Param({"../shared/data/ml-1m"})
    String data;
    @Param({"100"})
    int batchSamples;
    @Param({"0.1"})
    double negativeScale;
    @Param({"0"})
    int threads;

    private MinibatchTrainer trainer;
    private Batch[] batches;
    private int[] samplesIn;
    private int[] pairsIn;
    private long[] macsIn;
    private int next;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long samples;
        public long pairs;
        public long flops;

        @Setup(Level.Iteration)
        public void reset() {
            samples = pairs = flops = 0;
        }
    }

    @Setup
    public void setUp() throws IOException {
        InteractionLog log = InteractionLogs.read(Path.of(data), DataFormat.ML_1M);
        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(1));
        TrainingSamples samples = split.trainingSamples(TrainingSamples.DEFAULT_MIN_HISTORY);
        ModelArchitecture arch = ModelArchitecture.tdmAttentionDnn();
        TreeShape shape = TreeShape.forItems(2, log.numItems());
        int[] itemToLeaf = CategoryTreeInit.build(shape, log.itemCategories(), 7);
        LayerwiseSampler sampler = new LayerwiseSampler(shape, itemToLeaf,
                NegativeSchedule.paper(shape.levels(), negativeScale), 1, null);
        samples.shuffle(7);
        SplittableRandom random = new SplittableRandom(7);
        int h = arch.historyLength();
        int[] history = new int[h];
        batches = new Batch[BATCHES];
        samplesIn = new int[BATCHES];
        pairsIn = new int[BATCHES];
        macsIn = new long[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            Batch batch = new Batch(h);
            for (int s = b * batchSamples; s < (b + 1) * batchSamples; s++) {
                samples.history(s, history, 0);
                for (int i = 0; i < h; i++) {
                    history[i] = history[i] < 0 ? -1 : shape.leafNode(itemToLeaf[history[i]]);
                }
                batch.addHistory(history);
                sampler.addPairs(batch, samples.target(s), random);
            }
            batches[b] = batch;
            samplesIn[b] = batchSamples;
            pairsIn[b] = batch.pairCount();
            macsIn[b] = MinibatchTrainer.multiplyAdds(arch, batch);
        }
        TrainableModel model = TrainableModel.create(arch, shape.nodeCount(), TrainableModel.Options.defaults(), 7);
        int workers = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        trainer = new MinibatchTrainer(model, AdamConfig.of(0.002f), workers);
    }

    @TearDown
    public void tearDown() {
        trainer.close();
    }

    @Benchmark
    public double step(Counters counters) {
        int b = next;
        next = (next + 1) % BATCHES;
        counters.samples += samplesIn[b];
        counters.pairs += pairsIn[b];
        counters.flops += 2 * macsIn[b];
        return trainer.step(batches[b]);
    }
}
