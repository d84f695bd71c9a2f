package dev.arbor.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.*;

/** The single-core FMA peak that "percent of peak" in docs/BENCHMARKS.md divides by, in GFLOPS (ops/ns). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FmaPeakBenchmark {
    /**
     * The FMA peak of one core: 12 independent chains of {@code FloatVector.fma} on registers, enough to
     * cover the FMA latency times the number of FMA pipes. The reference for "percent of peak".
     */
    @Benchmark
    public float fmaPeak(FlopCounter counter) {
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        FloatVector x = FloatVector.broadcast(s, 0.999f), y = FloatVector.broadcast(s, 1e-4f);
        // Distinct starting values: equal chains would be merged into one by the JIT's value numbering.
        FloatVector a0 = start(s, 0), a1 = start(s, 1), a2 = start(s, 2), a3 = start(s, 3), a4 = start(s, 4);
        FloatVector a5 = start(s, 5), a6 = start(s, 6), a7 = start(s, 7), a8 = start(s, 8), a9 = start(s, 9);
        FloatVector a10 = start(s, 10), a11 = start(s, 11);
        int rounds = 1 << 16;
        for (int i = 0; i < rounds; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        counter.flops += 2L * 12 * rounds * s.length();
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector start(VectorSpecies<Float> s, int chain) {
        return FloatVector.broadcast(s, 1f + chain / 64f);
    }
}
