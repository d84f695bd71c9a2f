package dev.arbor.latticetrain;

import dev.arbor.dataset.TrainingSamples;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeShape;
import dev.arbor.lattice.LatticeContext;
import dev.arbor.lattice.LatticeModelScorer;
import dev.arbor.lattice.LatticeSearcher;
import dev.arbor.lattice.PathAssignment;
import dev.arbor.lattice.PathScores;
import dev.arbor.lattice.PathSizes;
import dev.arbor.lattice.TopPaths;
import dev.arbor.nn.Parallel;
import dev.arbor.scorer.Kernels;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.Arrays;

/**
 * The M-step: the model held fixed, each item's J paths learnt anew. For each training sample (up to a cap), beam search
 * with the serving scorer over the model gives the sample's top paths and their probabilities, which
 * {@link PathScores} merges into its target's {@code s[v, c]} (streaming, with decay η); {@link PathAssignment} then
 * gives each item its J paths greedily with the size penalty α·f(|c|). Items without a sample keep their paths. The
 * searches run on the worker pool a chunk of samples at a time and merge in sample order, so the result does not
 * depend on the thread count.
 */
public final class MStep {
    private static final int CHUNK = 256;

    /**
     * @param beam    the search's beam, and the paths each sample contributes (the paper's B)
     * @param alpha   the size penalty's factor α
     * @param decay   η, the streaming scores' decay per sample of an item
     * @param passes  coordinate-descent passes over the items
     * @param samples the most training samples searched per M-step, 0 for all
     */
    public record Config(int beam, double alpha, double decay, int passes, int samples) {
        public Config {
            if (beam < 1) {
                throw new IllegalArgumentException("the M-step's beam must be >= 1, got " + beam);
            }
            if (!(alpha >= 0 && alpha < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("the path-size penalty α must be finite and >= 0, got " + alpha);
            }
            if (!(decay > 0 && decay <= 1)) {
                throw new IllegalArgumentException("the decay η must be in (0, 1], got " + decay);
            }
            if (passes < 1 || samples < 0) {
                throw new IllegalArgumentException("invalid M-step: " + passes + " passes, " + samples + " samples");
            }
        }
    }

    /**
     * What an M-step produced.
     *
     * @param itemPaths the new paths, J slots of D codes per item
     * @param sizes     how they spread the items over paths
     * @param kept      items without a sample, which kept their paths
     * @param seconds   how long it took
     */
    public record Result(int[] itemPaths, PathSizes sizes, int kept, double seconds) {
    }

    private MStep() {
    }

    /** New paths for every item from {@code model}'s beam searches over {@code samples}' histories. */
    public static Result learn(TrainableLattice model, TrainingSamples samples, int[] itemPaths, int pathsPerItem,
                               Config config, Parallel workers) {
        long t0 = System.nanoTime();
        LatticeShape lattice = model.architecture().lattice();
        int items = model.itemCount(), depth = lattice.depth();
        LatticeModelScorer scorer = model.scorer(Kernels.best());
        LatticeSearcher<LatticeModelScorer.User> searcher = new LatticeSearcher<>(scorer);
        int n = (int) Math.min(config.beam(), lattice.keySpace());
        PathScores scores = new PathScores(lattice, items, n, config.decay());
        int total = config.samples() == 0 ? samples.size() : Math.min(config.samples(), samples.size());
        @SuppressWarnings("unchecked")
        LatticeContext<LatticeModelScorer.User>[] contexts = new LatticeContext[workers.workers()];
        int[][] history = new int[workers.workers()][BehaviourWindows.SLOTS];
        for (int w = 0; w < contexts.length; w++) {
            contexts[w] = searcher.newContext();
        }
        TopPaths[] found = new TopPaths[CHUNK];
        for (int i = 0; i < CHUNK; i++) {
            found[i] = new TopPaths(n);
        }
        for (int start = 0; start < total; start += CHUNK) {
            int from = start, count = Math.min(CHUNK, total - start);
            workers.forChunks(count, 16, (w, a, b) -> {
                for (int i = a; i < b; i++) {
                    int filled = compactHistory(samples, from + i, history[w]);
                    scorer.prepare(contexts[w].user(), history[w], filled);
                    searcher.search(contexts[w], n, config.beam(), found[i]);
                }
            });
            for (int i = 0; i < count; i++) {
                scores.add(samples.target(from + i), found[i]);
            }
        }
        PathAssignment assignment = PathAssignment.assign(scores, pathsPerItem, config.alpha(), config.passes());
        int[] next = itemPaths.clone();
        int kept = 0;
        for (int item = 0; item < items; item++) {
            int count = assignment.pathCount(item);
            if (count == 0) {
                kept++;
                continue;
            }
            int base = item * pathsPerItem * depth;
            Arrays.fill(next, base, base + pathsPerItem * depth, LatticeShape.NO_PATH);
            for (int j = 0; j < count; j++) {
                long key = assignment.path(item, j);
                for (int d = 0; d < depth; d++) {
                    next[base + j * depth + d] = lattice.code(key, d);
                }
            }
        }
        return new Result(next, sizes(lattice, next, pathsPerItem), kept, (System.nanoTime() - t0) / 1e9);
    }

    /** Sample {@code sample}'s history as ordinals, most recent last, without the padding; returns how many. */
    private static int compactHistory(TrainingSamples samples, int sample, int[] out) {
        samples.history(sample, out, 0);
        int first = 0;
        while (first < out.length && out[first] == BehaviourWindows.PADDING) {
            first++;
        }
        System.arraycopy(out, first, out, 0, out.length - first);
        return out.length - first;
    }

    /** The spread of items over paths that {@code itemPaths} gives, and how many items have fewer than J paths. */
    public static PathSizes sizes(LatticeShape lattice, int[] itemPaths, int pathsPerItem) {
        int depth = lattice.depth(), items = itemPaths.length / (pathsPerItem * depth), shortItems = 0;
        Long2IntOpenHashMap size = new Long2IntOpenHashMap();
        for (int item = 0; item < items; item++) {
            int used = 0;
            for (int j = 0; j < pathsPerItem; j++) {
                int at = (item * pathsPerItem + j) * depth;
                if (itemPaths[at] != LatticeShape.NO_PATH) {
                    size.addTo(lattice.key(itemPaths, at), 1);
                    used++;
                }
            }
            shortItems += used < pathsPerItem ? 1 : 0;
        }
        return PathSizes.of(size.values().toIntArray(), shortItems);
    }
}
