package dev.arbor.bench.harness;

import dev.arbor.bench.SyntheticFixture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Would bf16 or int8 node embeddings pay? Two measurements, because the two things they could buy are
 * different: search quality lost to rounding, and time saved gathering smaller rows.
 *
 * <ol>
 *   <li>Quality: the index's node embeddings are rounded to bf16 (round to nearest even) or to int8 with
 *       one symmetric scale per row, then widened back to float32, which is exactly what a scorer reading
 *       the narrow format would compute with. For each precision: the overlap of its brute-force top K
 *       with float32's (the loss from rounding alone), and the recall of its beam search against the
 *       float32 brute-force top K (what a user would see).</li>
 *   <li>Speed: the only work a narrower embedding changes is the gather of each candidate's row into the
 *       scorer's column buffer. That gather is timed alone, for {@code C} random nodes of the whole table,
 *       in each precision, next to the level it feeds.</li>
 * </ol>
 * Usage: {@code EmbeddingPrecisionStudy items branching model innerNoise queries k beam} on a synthetic
 * index, or {@code EmbeddingPrecisionStudy indexDir queries k beam} on a trained one.
 */
public final class EmbeddingPrecisionStudy {
    private static final String[] PRECISIONS = {"float32", "bf16", "int8"};

    private EmbeddingPrecisionStudy() {
    }

    public static void main(String[] args) throws Exception {
        PrintWriter out = new PrintWriter(System.out, true);
        Path root = Path.of("work/precision-study");
        TreeIndex index;
        long[][] histories;
        Path source;
        int queries, k, beam;
        if (Files.isDirectory(Path.of(args[0]))) {
            // A trained index: its own tree, embeddings and model; users whose history is one learnt subtree.
            source = Path.of(args[0]);
            queries = args.length > 1 ? Integer.parseInt(args[1]) : 50;
            k = args.length > 2 ? Integer.parseInt(args[2]) : 50;
            beam = args.length > 3 ? Integer.parseInt(args[3]) : 100;
            try (TreeSegment segment = IndexDirectory.openLatest(source)) {
                index = segment.toTreeIndex();
            }
            SplittableRandom r = new SplittableRandom(7);
            histories = new long[queries][];
            for (int q = 0; q < queries; q++) {
                histories[q] = SyntheticIndex.sampleHistory(index, index.model().architecture().historyLength(), 5, r);
            }
            out.printf(Locale.ROOT, "trained index %s: %,d items, B = %d, %s, %d queries, K = %d, beam %d%n", source,
                    index.shape().itemCount(), index.shape().branching(), index.model().architecture().kind(), queries, k, beam);
            source = root.resolve(source.getFileName() + "-float32");
            if (!Files.exists(source.resolve("commit.arb"))) {
                SegmentWriter.write(source, index);
            }
        } else {
            int items = (int) Double.parseDouble(args[0]);
            int branching = args.length > 1 ? Integer.parseInt(args[1]) : 2;
            ModelKind kind = args.length > 2 && args[2].equals("attention") ? ModelKind.ATTENTION_DNN : ModelKind.MLP;
            double noise = args.length > 3 ? Double.parseDouble(args[3]) : 20;
            queries = args.length > 4 ? Integer.parseInt(args[4]) : 20;
            k = args.length > 5 ? Integer.parseInt(args[5]) : 200;
            beam = args.length > 6 ? Integer.parseInt(args[6]) : 400;
            SyntheticFixture fixture = SyntheticFixture.create(root, items, branching, kind, queries, noise);
            index = fixture.index;
            histories = fixture.histories;
            source = fixture.directory;
            out.printf(Locale.ROOT, "synthetic: %,d items, B = %d, %s model, inner-node noise %s, %d queries, K = %d, beam %d%n",
                    items, branching, kind, noise, queries, k, beam);
        }
        long[][] truth;
        try (TreeSegment f32 = IndexDirectory.openLatest(source)) {
            truth = GroundTruth.of(f32, histories, queries, k, Runtime.getRuntime().availableProcessors(),
                    source.resolve("truth.bin"), out);
        }
        out.println();
        out.println("| embeddings | bytes per node | top-K overlap with float32 (brute force) | beam recall@K vs float32 brute force | max abs score change on the top K |");
        out.println("|---|---:|---:|---:|---:|");
        for (String precision : PRECISIONS) {
            float[] rounded = round(index.nodeEmbeddings(), index.dim(), precision);
            Path dir = precision.equals("float32") ? source : root.resolve(source.getFileName() + "-" + precision);
            if (!Files.exists(dir.resolve("commit.arb"))) {
                SegmentWriter.write(dir, new TreeIndex(index.shape(), index.itemIds(), index.itemToLeaf(), rounded,
                        index.model(), index.metadata()));
            }
            try (TreeSegment segment = IndexDirectory.openLatest(dir)) {
                long[][] exact = precision.equals("float32") ? truth : GroundTruth.of(segment, histories, queries, k,
                        Runtime.getRuntime().availableProcessors(), dir.resolve("truth.bin"), out);
                BeamSearcher searcher = new BeamSearcher(segment);
                SearchContext ctx = searcher.newContext();
                SearchResult result = new SearchResult(k), reference = new SearchResult(k);
                double overlap = 0, recall = 0, maxChange = 0;
                try (TreeSegment f32 = IndexDirectory.openLatest(source)) {
                    BeamSearcher f32Searcher = new BeamSearcher(f32);
                    SearchContext f32Ctx = f32Searcher.newContext();
                    for (int q = 0; q < queries; q++) {
                        Set<Long> want = set(truth[q]);
                        overlap += share(want, exact[q]);
                        searcher.search(ctx.reset().history(histories[q], histories[q].length), k, beam, result);
                        long[] found = new long[result.count()];
                        for (int i = 0; i < found.length; i++) {
                            found[i] = result.itemId(i);
                        }
                        recall += share(want, found);
                        if (q < 4) {
                            // The score change of the same item under both precisions, on a few queries: each needs
                            // two more brute-force passes.
                            f32Searcher.bruteForce(f32Ctx.reset().history(histories[q], histories[q].length), k, reference);
                            searcher.bruteForce(ctx.reset().history(histories[q], histories[q].length), k, result);
                            for (int i = 0; i < reference.count(); i++) {
                                for (int j = 0; j < result.count(); j++) {
                                    if (result.itemId(j) == reference.itemId(i)) {
                                        maxChange = Math.max(maxChange, Math.abs(result.score(j) - reference.score(i)));
                                    }
                                }
                            }
                        }
                    }
                }
                out.printf(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.2e |%n", precision, bytesPerNode(precision, index.dim()),
                        overlap / queries, recall / queries, maxChange);
            }
        }
        gatherTiming(index.nodeEmbeddings(), index.dim(), out);
    }

    /** Rounds every row to {@code precision} and widens it back to float32. */
    static float[] round(float[] embeddings, int dim, String precision) {
        float[] r = embeddings.clone();
        switch (precision) {
            case "float32" -> { }
            case "bf16" -> {
                for (int i = 0; i < r.length; i++) {
                    r[i] = Float.intBitsToFloat(bf16(r[i]) << 16);
                }
            }
            case "int8" -> {
                for (int row = 0; row < r.length; row += dim) {
                    float scale = int8Scale(r, row, dim);
                    for (int k = 0; k < dim; k++) {
                        r[row + k] = Math.round(r[row + k] / scale) * scale;
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown precision " + precision);
        }
        return r;
    }

    /** The symmetric int8 scale of the row at {@code off}: its largest magnitude maps to 127. */
    private static float int8Scale(float[] values, int off, int dim) {
        float max = 0;
        for (int k = 0; k < dim; k++) {
            max = Math.max(max, Math.abs(values[off + k]));
        }
        return max == 0 ? 1 : max / 127;
    }

    /** The upper 16 bits of a float rounded to nearest even: bfloat16. */
    static int bf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
    }

    private static int bytesPerNode(String precision, int dim) {
        return switch (precision) {
            case "float32" -> 4 * dim;
            case "bf16" -> 2 * dim;
            default -> dim + 4;
        };
    }

    /**
     * The gather alone: C random rows of the whole table into a dim x C column buffer, as the scorer
     * does per level, from float32, bf16 and int8 tables (heap arrays; the table is far larger than the
     * caches, so the misses are real).
     */
    private static void gatherTiming(float[] table, int dim, PrintWriter out) {
        int rows = table.length / dim, c = 800;
        short[] half = new short[table.length];
        byte[] quarter = new byte[table.length];
        float[] scales = new float[rows];
        for (int i = 0; i < table.length; i++) {
            half[i] = (short) bf16(table[i]);
        }
        for (int row = 0; row < rows; row++) {
            scales[row] = int8Scale(table, row * dim, dim);
            for (int k = 0; k < dim; k++) {
                quarter[row * dim + k] = (byte) Math.round(table[row * dim + k] / scales[row]);
            }
        }
        float[] columns = new float[dim * c];
        SplittableRandom random = new SplittableRandom(11);
        int[][] batches = new int[64][c];
        for (int[] batch : batches) {
            for (int i = 0; i < c; i++) {
                batch[i] = random.nextInt(rows);
            }
        }
        out.println();
        out.printf(Locale.ROOT, "Gathering %d random rows of %,d (dim %d) into column order, microseconds per level (median of 7 rounds of 2,000 levels):%n%n", c, rows, dim);
        out.println("| embeddings | us per level |");
        out.println("|---|---:|");
        for (String precision : new String[] {"float32", "float32-touch", "bf16", "int8"}) {
            double[] rounds = new double[7];
            float sink = 0;
            for (int round = 0; round < rounds.length; round++) {
                long t0 = System.nanoTime();
                for (int rep = 0; rep < 2000; rep++) {
                    int[] batch = batches[rep & 63];
                    if (precision.equals("float32-touch")) {
                        float touched = 0;
                        for (int col = 0; col < c; col++) {
                            int base = batch[col] * dim;
                            touched += table[base] + table[base + dim - 1];
                        }
                        sink += touched;
                    }
                    for (int col = 0; col < c; col++) {
                        int base = batch[col] * dim;
                        switch (precision) {
                            case "float32", "float32-touch" -> {
                                for (int k = 0; k < dim; k++) {
                                    columns[k * c + col] = table[base + k];
                                }
                            }
                            case "bf16" -> {
                                for (int k = 0; k < dim; k++) {
                                    columns[k * c + col] = Float.intBitsToFloat(half[base + k] << 16);
                                }
                            }
                            default -> {
                                float scale = scales[batch[col]];
                                for (int k = 0; k < dim; k++) {
                                    columns[k * c + col] = quarter[base + k] * scale;
                                }
                            }
                        }
                    }
                    sink += columns[rep % columns.length];
                }
                rounds[round] = (System.nanoTime() - t0) / 2000.0 / 1e3;
            }
            java.util.Arrays.sort(rounds);
            out.printf(Locale.ROOT, "| %s | %.1f |%s%n", precision, rounds[3], sink == 42 ? " " : "");
        }
    }

    private static Set<Long> set(long[] ids) {
        Set<Long> s = new HashSet<>();
        for (long id : ids) {
            s.add(id);
        }
        return s;
    }

    private static double share(Set<Long> want, long[] found) {
        int hits = 0;
        for (long id : found) {
            hits += want.contains(id) ? 1 : 0;
        }
        return want.isEmpty() ? 1 : (double) hits / want.size();
    }
}
