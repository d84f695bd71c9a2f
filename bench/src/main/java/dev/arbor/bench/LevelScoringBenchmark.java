package dev.arbor.bench;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.ModelWeights;
import dev.arbor.scorer.Kernels;
import dev.arbor.scorer.ModelTensors;
import dev.arbor.scorer.NodeScorer;
import dev.arbor.scorer.ReferenceScorer;
import dev.arbor.scorer.ScalarKernels;
import dev.arbor.scorer.ScoringContext;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Scoring one level's candidates for one user: Arbor's batched scorer with the Vector API kernels and
 * with the scalar kernels, and the literal model one candidate at a time (the naive baseline).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LevelScoringBenchmark {
    @Param({"200", "800"})
    int candidates;
    @Param({"ATTENTION_DNN", "MLP"})
    ModelKind model;

    private NodeScorer vector, scalar;
    private ScoringContext vectorCtx, scalarCtx;
    private ReferenceScorer reference;
    private int[] nodes;
    private float[] out;
    private float[][] historyVectors;
    private float[][] nodeVectors;

    @Setup
    public void setUp() {
        ModelArchitecture arch = model == ModelKind.ATTENTION_DNN ? ModelArchitecture.tdmAttentionDnn() : ModelArchitecture.tdmMlp();
        SplittableRandom r = new SplittableRandom(1);
        ModelWeights weights = ModelWeights.gaussian(arch, 0.1, 1);
        int rows = 4096, d = arch.embeddingDim();
        float[] emb = new float[rows * d];
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (float) r.nextGaussian();
        }
        int[] history = new int[arch.historyLength()];
        historyVectors = new float[history.length][];
        for (int s = 0; s < history.length; s++) {
            history[s] = r.nextInt(rows);
            historyVectors[s] = java.util.Arrays.copyOfRange(emb, history[s] * d, history[s] * d + d);
        }
        nodes = new int[candidates];
        nodeVectors = new float[candidates][];
        for (int i = 0; i < candidates; i++) {
            nodes[i] = r.nextInt(rows);
            nodeVectors[i] = java.util.Arrays.copyOfRange(emb, nodes[i] * d, nodes[i] * d + d);
        }
        out = new float[candidates];
        MemorySegment embeddings = MemorySegment.ofArray(emb);
        vector = new NodeScorer(ModelTensors.of(weights), embeddings, Kernels.best());
        scalar = new NodeScorer(ModelTensors.of(weights), embeddings, new ScalarKernels());
        vectorCtx = vector.newUser();
        scalarCtx = scalar.newUser();
        vector.prepare(vectorCtx, history);
        scalar.prepare(scalarCtx, history);
        reference = new ReferenceScorer(weights);
    }

    @Benchmark
    public float arborVector() {
        vector.score(vectorCtx, nodes, 0, candidates, out, 0);
        return out[0];
    }

    @Benchmark
    public float arborScalarKernels() {
        scalar.score(scalarCtx, nodes, 0, candidates, out, 0);
        return out[0];
    }

    @Benchmark
    public double literalScalar() {
        double s = 0;
        for (float[] node : nodeVectors) {
            s += reference.score(historyVectors, node);
        }
        return s;
    }
}
