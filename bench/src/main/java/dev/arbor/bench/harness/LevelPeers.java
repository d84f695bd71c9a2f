package dev.arbor.bench.harness;

import static dev.arbor.format.FramedFile.FLOAT;

import dev.arbor.bench.harness.BenchResults.LevelRow;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelWeights;
import dev.arbor.format.TreeShape;
import dev.arbor.onnx.OnnxExporter;
import dev.arbor.onnx.OnnxScorer;
import dev.arbor.reader.TreeSegment;
import dev.arbor.scorer.NodeScorer;
import dev.arbor.scorer.ReferenceScorer;
import dev.arbor.scorer.ScalarKernels;
import dev.arbor.scorer.ScoringContext;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scoring one level's candidates for one user, by every peer on the same batches: ONNX Runtime on the
 * exported literal graph (1 and 2 intra-op threads), Arbor's {@link NodeScorer} with the Vector API and
 * with the scalar kernels, and {@link ReferenceScorer} (the literal model in plain Java).
 *
 * <p>A batch is what beam search hands the scorer on the leaf level: the non-empty children of C/B
 * consecutive parents, starting at the parent of the user's latest behaviour. Each operation scores one
 * batch, cycling through {@link #USERS} users. Every peer gathers the candidate embeddings from the mapped
 * segment inside the timed operation (NodeScorer does it itself, the others get float arrays). ONNX
 * Runtime and the literal model take the history on every call; Arbor does its user-side work once per
 * query ({@link NodeScorer#prepare}), reported apart as {@code prepareMs}.
 */
final class LevelPeers {
    static final int USERS = 16;

    private LevelPeers() {
    }

    /** One scorer under test: scores user {@code u}'s batch into {@code out}. */
    private interface Peer {
        void score(int u, float[] out) throws Exception;
    }

    /** The users' histories as each peer takes them, and their candidate batches. */
    private record Batches(int[][] historyNodes, float[][] historyRows, float[][] masks, float[][][] historyVectors,
                           int[][] nodes) {
    }

    static List<LevelRow> run(BenchConfig config, String model, TreeSegment segment, long[][] histories,
                              PrintWriter progress) throws Exception {
        List<LevelRow> rows = new ArrayList<>();
        byte[] onnx = OnnxExporter.toBytes(segment.model());
        ReferenceScorer reference = new ReferenceScorer(weights(segment));
        NodeScorer vector = segment.scorer();
        NodeScorer scalar = new NodeScorer(segment.model(), segment.embeddings(), new ScalarKernels());
        for (int c : config.levelSizes()) {
            int users = Math.min(USERS, histories.length);
            Batches b = batches(segment, histories, users, c);
            float[] literal = new float[c];
            literalPeer(segment, reference, b).score(0, literal);
            List<LevelRow> cell = new ArrayList<>();
            for (int threads : config.ortThreads()) {
                try (OnnxScorer ort = new OnnxScorer(onnx, segment.architecture(), threads)) {
                    cell.add(measure(config, model, c, users, "onnxruntime", threads, ortPeer(segment, ort, b), Double.NaN,
                            literal, progress));
                }
            }
            for (NodeScorer arbor : List.of(vector, scalar)) {
                ScoringContext[] contexts = new ScoringContext[users];
                for (int u = 0; u < contexts.length; u++) {
                    contexts[u] = arbor.newUser();
                    arbor.prepare(contexts[u], b.historyNodes()[u]);
                }
                ScoringContext scratch = arbor.newUser();
                double prepareMs = Timing.measure(1, config.seconds() / 2, t -> i -> arbor.prepare(scratch,
                        b.historyNodes()[i % users])).percentileMs(0.5);
                Peer peer = (u, out) -> arbor.score(contexts[u], b.nodes()[u], 0, c, out, 0);
                cell.add(measure(config, model, c, users, "arbor-" + arbor.kernels().name(), 1, peer, prepareMs, literal,
                        progress));
            }
            cell.add(measure(config, model, c, users, "reference", 1, literalPeer(segment, reference, b), Double.NaN, literal,
                    progress));
            double ort1 = cell.stream().filter(r -> r.peer().equals("onnxruntime") && r.threads() == 1)
                    .mapToDouble(LevelRow::msPerLevel).findFirst().orElse(Double.NaN);
            for (LevelRow r : cell) {
                rows.add(new LevelRow(r.model(), r.candidates(), r.peer(), r.threads(), r.samples(), r.msPerLevel(),
                        r.msPerLevel() / ort1, r.prepareMs(), r.maxRelDiff()));
            }
        }
        return rows;
    }

    private static LevelRow measure(BenchConfig config, String model, int c, int users, String name, int threads, Peer peer,
                                    double prepareMs, float[] literal, PrintWriter progress) throws Exception {
        float[] check = new float[c];
        peer.score(0, check);
        double diff = 0;
        for (int i = 0; i < c; i++) {
            diff = Math.max(diff, Math.abs(check[i] - literal[i]) / Math.max(1, Math.abs(literal[i])));
        }
        float[] out = new float[c];
        Timing.Samples s = Timing.measure(1, config.seconds(), t -> i -> peer.score(i % users, out));
        progress.printf("  %-9s C=%-4d %-22s %8.3f ms per level  (%d runs, max rel diff %.1e)%n", model, c,
                name + " x" + threads, s.percentileMs(0.5), s.count(), diff).flush();
        return new LevelRow(model, c, name, threads, s.count(), s.percentileMs(0.5), Double.NaN, prepareMs, diff);
    }

    private static Peer ortPeer(TreeSegment segment, OnnxScorer ort, Batches b) {
        int d = segment.architecture().embeddingDim();
        float[] candidates = new float[b.nodes()[0].length * d];
        return (u, out) -> {
            ort.setHistory(b.historyRows()[u], b.masks()[u]);
            int[] nodes = b.nodes()[u];
            for (int i = 0; i < nodes.length; i++) {
                MemorySegment.copy(segment.embeddings(), FLOAT, (long) nodes[i] * d * Float.BYTES, candidates, i * d, d);
            }
            ort.score(candidates, nodes.length, out, 0);
        };
    }

    private static Peer literalPeer(TreeSegment segment, ReferenceScorer reference, Batches b) {
        int d = segment.architecture().embeddingDim();
        float[] node = new float[d];
        return (u, out) -> {
            int[] nodes = b.nodes()[u];
            for (int i = 0; i < nodes.length; i++) {
                MemorySegment.copy(segment.embeddings(), FLOAT, (long) nodes[i] * d * Float.BYTES, node, 0, d);
                out[i] = (float) reference.score(b.historyVectors()[u], node);
            }
        };
    }

    private static Batches batches(TreeSegment segment, long[][] histories, int users, int c) {
        ModelArchitecture arch = segment.architecture();
        TreeShape shape = segment.shape();
        int slots = arch.historyLength(), d = arch.embeddingDim();
        int[][] historyNodes = new int[users][], nodes = new int[users][];
        float[][] rows = new float[users][], masks = new float[users][];
        float[][][] vectors = new float[users][][];
        for (int u = 0; u < users; u++) {
            historyNodes[u] = new int[slots];
            Arrays.fill(historyNodes[u], BehaviourWindows.PADDING);
            rows[u] = new float[slots * d];
            masks[u] = new float[slots];
            vectors[u] = new float[slots][];
            long[] h = histories[u];
            for (int slot = BehaviourWindows.firstFilledSlot(h.length, slots); slot < slots; slot++) {
                int leaf = shape.leafNode(segment.leafOf(segment.ordinalOf(h[h.length - slots + slot])));
                historyNodes[u][slot] = leaf;
                MemorySegment.copy(segment.embeddings(), FLOAT, (long) leaf * d * Float.BYTES, rows[u], slot * d, d);
                vectors[u][slot] = Arrays.copyOfRange(rows[u], slot * d, slot * d + d);
                masks[u][slot] = 1f;
            }
            nodes[u] = leafBatch(segment, historyNodes[u][slots - 1], c);
        }
        return new Batches(historyNodes, rows, masks, vectors, nodes);
    }

    /** The non-empty children of consecutive parents from {@code leaf}'s parent on (wrapping), {@code c} of them. */
    private static int[] leafBatch(TreeSegment segment, int leaf, int c) {
        TreeShape shape = segment.shape();
        int parentLevel = shape.leafLevel() - 1;
        int start = shape.levelStart(parentLevel), size = shape.levelSize(parentLevel);
        int[] batch = new int[c];
        int n = 0;
        for (int p = shape.parent(leaf) - start; n < c; p = (p + 1) % size) {
            int first = shape.firstChild(start + p);
            for (int child = first; child < first + shape.branching() && n < c; child++) {
                if (segment.nonEmpty(child)) {
                    batch[n++] = child;
                }
            }
        }
        return batch;
    }

    private static ModelWeights weights(TreeSegment segment) {
        MemorySegment[] tensors = segment.model().tensors();
        float[][] arrays = new float[tensors.length][];
        for (int i = 0; i < tensors.length; i++) {
            arrays[i] = tensors[i].toArray(FLOAT);
        }
        return new ModelWeights(segment.architecture(), arrays);
    }
}
