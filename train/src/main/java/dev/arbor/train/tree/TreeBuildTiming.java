package dev.arbor.train.tree;

import com.sun.management.OperatingSystemMXBean;
import dev.arbor.format.TreeShape;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Benchmark of the tree builders on synthetic clustered embeddings:
 * {@code TreeBuildTiming [items=4000000] [branching=2] [dim=24] [threads=all]}.
 */
public final class TreeBuildTiming {

    private static final int CLUSTERS = 1024;
    private static final int CHUNK = 1 << 16;

    private TreeBuildTiming() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4_000_000;
        int branching = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int dim = args.length > 2 ? Integer.parseInt(args[2]) : 24;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        long seed = 42;

        TreeShape shape = TreeShape.forItems(branching, n);
        float[] embeddings = clustered(n, dim, seed);
        int[] category = new int[n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            category[i] = random.nextInt(CLUSTERS);
        }
        System.out.printf(Locale.ROOT, "%d items x %d dims, branching %d, %d levels, %d threads%n",
                n, dim, branching, shape.levels(), threads);

        time("category init", n, () -> CategoryTreeInit.build(shape, category, seed));
        BalancedKMeansTree.Config config = BalancedKMeansTree.Config.defaults(seed).withParallelism(threads);
        time("balanced k-means", n, () -> BalancedKMeansTree.build(shape, embeddings, dim, config));
    }

    /** Wall time and the process's CPU time, which tells what a build costs on a machine shared with others. */
    private static void time(String what, int n, Runnable build) {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long wall = System.nanoTime();
        build.run();
        double seconds = (System.nanoTime() - wall) / 1e9;
        double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
        System.out.printf(Locale.ROOT, "%s: %.2f s, %.0f items/s (process CPU %.1f s)%n", what, seconds,
                n / seconds, cpuSeconds);
    }

    /** Gaussian blobs around {@link #CLUSTERS} random centres, generated in parallel per fixed-size chunk. */
    static float[] clustered(int n, int dim, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] centres = new float[CLUSTERS * dim];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) random.nextGaussian();
        }
        float[] data = new float[Math.multiplyExact(n, dim)];
        IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel().forEach(chunk -> {
            SplittableRandom r = new SplittableRandom(BalancedKMeansTree.nodeSeed(seed, chunk));
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
