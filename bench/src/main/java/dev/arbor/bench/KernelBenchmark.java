package dev.arbor.bench;

import dev.arbor.scorer.Kernels;
import dev.arbor.scorer.ScalarKernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The scorer's kernels on the shapes one chunk of 128 candidates of the attention-DNN gives them, Vector
 * API against scalar. Throughput in FLOPs: the {@code flops} counter reads directly as GFLOPS (ops/ns);
 * {@link FmaPeakBenchmark} gives the single-core peak to divide by.
 *
 * <ul>
 *   <li>{@code activation}: the activation unit of one behaviour, {@code gemmPreluDot} of 36 x 25 by 25 x 128
 *       (hidden layer, PReLU and the 36 -> 1 output), as {@code NodeScorer} runs it 69 times per chunk;</li>
 *   <li>{@code pooling}: 128 x 69 by 69 x 128, the first MLP layer's attention-weighted pooling;</li>
 *   <li>{@code node}: 128 x 24 by 24 x 128, the first MLP layer's share of the node embedding;</li>
 *   <li>{@code mlp1}, {@code mlp2}: 64 x 128 and 24 x 64 by 128 columns, the later MLP layers.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelBenchmark {
    private static final int COLUMNS = 128;

    @Param({"vector", "scalar"})
    String kernels;
    @Param({"activation", "pooling", "node", "mlp1", "mlp2"})
    String shape;

    private Kernels k;
    private int m, depth;
    private float[] a, b, c, alpha, w;

    @Setup
    public void setUp() {
        k = kernels.equals("vector") ? Kernels.best() : new ScalarKernels();
        switch (shape) {
            case "activation" -> { m = 36; depth = 25; }
            case "pooling" -> { m = 128; depth = 69; }
            case "node" -> { m = 128; depth = 24; }
            case "mlp1" -> { m = 64; depth = 128; }
            case "mlp2" -> { m = 24; depth = 64; }
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        }
        SplittableRandom random = new SplittableRandom(7);
        a = gaussian(m * depth, random);
        b = gaussian(depth * COLUMNS, random);
        c = new float[m * COLUMNS];
        alpha = gaussian(m, random);
        w = gaussian(m, random);
    }

    @Benchmark
    public float kernel(FlopCounter counter) {
        if (shape.equals("activation")) {
            k.gemmPreluDot(a, 0, depth, m, depth, b, 0, COLUMNS, alpha, w, c, 0, COLUMNS);
            counter.flops += 2L * m * (depth + 1) * COLUMNS;
        } else {
            k.gemm(a, 0, depth, m, depth, b, 0, COLUMNS, c, 0, COLUMNS, COLUMNS, false);
            counter.flops += 2L * m * depth * COLUMNS;
        }
        return c[0];
    }

    private static float[] gaussian(int n, SplittableRandom random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
