package dev.arbor.bench.harness;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The index a two-tower user would deploy instead of Arbor: jvector's hierarchical graph (HNSW layers over a Vamana
 * base layer) over item vectors, searched by inner product. Kept in memory: on the data sets compared here the vectors
 * fit many times over, so disk layout would only add noise to the latencies.
 *
 * <p>jvector's dot-product similarity assumes unit vectors (it maps a dot product into [0, 1]), and a two-tower's item
 * vectors have any length. So the maximum-inner-product search is reduced to a unit-vector one, the usual way: each item
 * {@code x} becomes {@code [x; sqrt(M² - |x|²)] / M}, with {@code M} the largest item norm, and the query
 * {@code [q; 0] / |q|}. The dot product of the two is {@code q·x / (M |q|)}, so the ranking is the inner product's.
 */
final class HnswIndex {
    private static final VectorTypeSupport VECTORS = VectorizationProvider.getInstance().getVectorTypeSupport();

    /** Graph degree, construction beam and the overflow and alpha of jvector's builder (its documented defaults). */
    record Options(int degree, int constructionBeam, float neighbourOverflow, float alpha) {
        static final Options DEFAULTS = new Options(32, 100, 1.2f, 1.2f);

        Options {
            if (degree < 2 || constructionBeam < degree) {
                throw new IllegalArgumentException("HNSW degree must be >= 2 and the construction beam >= the degree, got "
                        + degree + " and " + constructionBeam);
            }
        }
    }

    private final RandomAccessVectorValues vectors;
    private final ImmutableGraphIndex graph;
    private final int dim;
    private final double buildSeconds;

    private HnswIndex(RandomAccessVectorValues vectors, ImmutableGraphIndex graph, int dim, double buildSeconds) {
        this.vectors = vectors;
        this.graph = graph;
        this.dim = dim;
        this.buildSeconds = buildSeconds;
    }

    /** Builds the graph over {@code count} vectors of {@code dim} floats stored row after row in {@code rows}. */
    static HnswIndex build(float[] rows, int count, int dim, Options options) {
        if ((long) count * dim != rows.length) {
            throw new IllegalArgumentException(count + " vectors of dimension " + dim + " need " + (long) count * dim
                    + " floats, got " + rows.length);
        }
        double maxNorm = 0;
        for (int i = 0; i < count; i++) {
            maxNorm = Math.max(maxNorm, Math.sqrt(squaredNorm(rows, i * dim, dim)));
        }
        if (maxNorm == 0) {
            throw new IllegalArgumentException("every item vector is zero: there is nothing to rank");
        }
        List<VectorFloat<?>> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[] v = new float[dim + 1];
            for (int j = 0; j < dim; j++) {
                v[j] = (float) (rows[i * dim + j] / maxNorm);
            }
            v[dim] = (float) Math.sqrt(Math.max(0, 1 - squaredNorm(rows, i * dim, dim) / (maxNorm * maxNorm)));
            list.add(VECTORS.createFloatVector(v));
        }
        RandomAccessVectorValues vectors = new ListRandomAccessVectorValues(list, dim + 1);
        BuildScoreProvider scores = BuildScoreProvider.randomAccessScoreProvider(vectors,
                VectorSimilarityFunction.DOT_PRODUCT);
        long t = System.nanoTime();
        try (GraphIndexBuilder builder = new GraphIndexBuilder(scores, dim + 1, options.degree(),
                options.constructionBeam(), options.neighbourOverflow(), options.alpha(), true)) {
            ImmutableGraphIndex graph = builder.build(vectors);
            return new HnswIndex(vectors, graph, dim, (System.nanoTime() - t) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double squaredNorm(float[] rows, int offset, int dim) {
        double s = 0;
        for (int j = offset; j < offset + dim; j++) {
            s += (double) rows[j] * rows[j];
        }
        return s;
    }

    double buildSeconds() {
        return buildSeconds;
    }

    /** One thread's search state: the graph searcher and the query vector, reused across queries. */
    Searcher newSearcher() {
        return new Searcher();
    }

    final class Searcher {
        private final GraphSearcher searcher = new GraphSearcher(graph);
        private final VectorFloat<?> query = VECTORS.createFloatVector(dim + 1);

        /**
         * The top {@code k} items by inner product with {@code q} among those {@code accept} admits, searched with a
         * beam of {@code beam} candidates (jvector's rerankK, HNSW's efSearch), written into {@code out}; returns how
         * many were found.
         */
        int search(float[] q, int k, int beam, Bits accept, int[] out) {
            double norm = Math.sqrt(squaredNorm(q, 0, dim));
            float scale = norm == 0 ? 0f : (float) (1 / norm);
            for (int i = 0; i < dim; i++) {
                query.set(i, q[i] * scale);
            }
            query.set(dim, 0f);
            var scoring = DefaultSearchScoreProvider.exact(query, VectorSimilarityFunction.DOT_PRODUCT, vectors);
            SearchResult result = searcher.search(scoring, k, Math.max(k, beam), 0f, 0f, accept);
            SearchResult.NodeScore[] nodes = result.getNodes();
            int n = Math.min(nodes.length, k);
            for (int i = 0; i < n; i++) {
                out[i] = nodes[i].node;
            }
            return n;
        }
    }
}
