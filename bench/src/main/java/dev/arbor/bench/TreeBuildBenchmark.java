package dev.arbor.bench;

import dev.arbor.format.TreeShape;
import dev.arbor.treebuild.BalancedKMeansTree;
import dev.arbor.treebuild.CategoryTreeInit;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.*;

/**
 * Building a tree over synthetic clustered item embeddings (Gaussian blobs around 1,024 centres, the
 * shape learnt embeddings have): the first tree from categories and the balanced k-means tree that
 * later rounds build. One build is one op, timed as a single shot after a warm-up build.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx12g")
public class TreeBuildBenchmark {
    private static final int CLUSTERS = 1024;
    private static final int CHUNK = 1 << 16;
    private static final long SEED = 42;

    @Param({"1000000"})
    int items;
    @Param({"2"})
    int branching;
    @Param({"24"})
    int dim;

    private TreeShape shape;
    private float[] embeddings;
    private int[] category;
    private BalancedKMeansTree.Config config;

    @Setup
    public void setUp() {
        shape = TreeShape.forItems(branching, items);
        embeddings = clustered(items, dim);
        category = new int[items];
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < items; i++) {
            category[i] = random.nextInt(CLUSTERS);
        }
        config = BalancedKMeansTree.Config.defaults(SEED).withParallelism(Runtime.getRuntime().availableProcessors());
    }

    @Benchmark
    public int[] balancedKMeans() {
        return BalancedKMeansTree.build(shape, embeddings, dim, config, System.err::println);
    }

    @Benchmark
    public int[] categoryInit() {
        return CategoryTreeInit.build(shape, category, SEED);
    }

    /** Gaussian blobs around {@link #CLUSTERS} random centres, generated in parallel per fixed-size chunk. */
    private float[] clustered(int n, int dim) {
        SplittableRandom random = new SplittableRandom(SEED);
        float[] centres = new float[CLUSTERS * dim];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) random.nextGaussian();
        }
        float[] data = new float[Math.multiplyExact(n, dim)];
        IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel().forEach(chunk -> {
            SplittableRandom r = new SplittableRandom(BalancedKMeansTree.nodeSeed(SEED, chunk));
            for (int i = chunk * CHUNK; i < Math.min(n, (chunk + 1) * CHUNK); i++) {
                int c = r.nextInt(CLUSTERS) * dim;
                for (int k = 0; k < dim; k++) {
                    data[i * dim + k] = centres[c + k] + 0.3f * (float) r.nextGaussian();
                }
            }
        });
        return data;
    }
}
