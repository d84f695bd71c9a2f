package dev.arbor.bench.harness;

import dev.arbor.bench.SyntheticFixture;
import dev.arbor.bench.harness.BenchResults.SearchRow;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.format.TreeShape;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.treebuild.BalancedKMeansTree;
import dev.arbor.writer.SegmentWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Binary against B-ary trees at equal recall, on one corpus. The synthetic generator's own trees cannot
 * be compared across B (it draws a different corpus for each tree shape), so this takes one synthetic
 * corpus and model, rebuilds its tree with balanced k-means for each B, inner nodes the mean of their
 * items, and runs the harness's beam search measurement on each. Items, model and histories are the same
 * for every B, so the exact top K is too: only the tree changes.
 *
 * <p>Usage: {@code TreeArityStudy [items=1e6] [model=attention] [branchings=2,4,8,16] [beams=50,...,800]
 * [recallQueries=10] [k=200] [seconds=1]}.
 */
public final class TreeArityStudy {
    private TreeArityStudy() {
    }

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? (int) Double.parseDouble(args[0]) : 1_000_000;
        ModelKind kind = args.length > 1 && args[1].equals("mlp") ? ModelKind.MLP : ModelKind.ATTENTION_DNN;
        List<Integer> branchings = ints(args.length > 2 ? args[2] : "2,4,8,16");
        List<Integer> beams = ints(args.length > 3 ? args[3] : "50,100,200,400,800");
        int recallQueries = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        int k = args.length > 5 ? Integer.parseInt(args[5]) : 200;
        double seconds = args.length > 6 ? Double.parseDouble(args[6]) : 1;
        int threads = Runtime.getRuntime().availableProcessors();
        PrintWriter out = new PrintWriter(System.out, true);
        Path root = Path.of("work/arity-study");
        SyntheticFixture fixture = SyntheticFixture.create(root, items, 2, kind, Math.max(200, recallQueries), 0);
        TreeIndex source = fixture.index;
        int dim = source.dim();
        float[] itemVectors = new float[Math.multiplyExact(items, dim)];
        int firstLeaf = source.shape().firstLeaf();
        for (int i = 0; i < items; i++) {
            System.arraycopy(source.nodeEmbeddings(), (firstLeaf + source.itemToLeaf()[i]) * dim, itemVectors, i * dim, dim);
        }
        out.printf(Locale.ROOT, "%,d items, %s model, K = %d; trees rebuilt by balanced k-means for B in %s%n%n", items,
                kind, k, branchings);
        out.println("| B | levels | beam | K | recall@K | p50 ms | p99 ms | QPS (1 thread) | scored nodes |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        long[][] truth = null;
        for (int b : branchings) {
            TreeShape shape = TreeShape.forItems(b, items);
            Path dir = root.resolve(kind.name().toLowerCase(Locale.ROOT) + "-" + items + "-kmeans-b" + b);
            if (!Files.exists(dir.resolve("commit.arb"))) {
                int[] itemToLeaf = BalancedKMeansTree.build(shape, itemVectors, dim,
                        BalancedKMeansTree.Config.defaults(42).withParallelism(threads), System.err::println);
                SegmentWriter.write(dir, SyntheticIndex.withTree(source, shape, itemToLeaf));
            }
            try (TreeSegment segment = IndexDirectory.openLatest(dir)) {
                if (truth == null) {
                    // Brute force scores every item with the same model and item vectors, whatever the tree.
                    truth = GroundTruth.of(segment, fixture.histories, recallQueries, k, threads,
                            root.resolve("bruteforce-" + kind.name().toLowerCase(Locale.ROOT) + "-" + items + "-k" + k + ".bin"),
                            new PrintWriter(System.err, true));
                }
                BenchConfig config = new BenchConfig(List.of(items), List.of(kind), beams, k, b, 0, 200, recallQueries,
                        seconds, List.of(1), List.of(), List.of(), false, root, root, List.of(), LatticeConfig.NONE);
                for (SearchRow r : SearchBench.run(config, BenchHarness.modelName(kind), segment, fixture.histories, truth,
                        new PrintWriter(System.err, true))) {
                    out.printf(Locale.ROOT, "| %d | %d | %d | %d | %.3f | %.2f | %.2f | %.0f | %,.0f |%n", b, shape.levels(),
                            r.beam(), r.k(), r.recall(), r.p50Ms(), r.p99Ms(), r.qps(), r.scoredNodes());
                }
            }
        }
    }

    private static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::valueOf).toList();
    }
}
