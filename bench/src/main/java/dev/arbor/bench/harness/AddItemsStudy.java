package dev.arbor.bench.harness;

import dev.arbor.dataset.DataFormat;
import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.HeldOutUsers;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogs;
import dev.arbor.dataset.ReadOptions;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.eval.Recommender;
import dev.arbor.eval.TwoTower;
import dev.arbor.eval.TwoTowerOptions;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.TreeIndex;
import dev.arbor.jobs.AddItemsJob;
import dev.arbor.jobs.TrainJob;
import dev.arbor.nn.TrainableModel;
import dev.arbor.progress.ProgressListener;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import dev.arbor.treetrain.Algorithm;
import dev.arbor.treetrain.SpareLeaves;
import dev.arbor.treetrain.TdmRounds;
import dev.arbor.treetrain.TdmTrainer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * What adding items without a rebuild costs ({@code arbor add-items}, issue 15). A seeded share of the items is held
 * out of training entirely: TDM trains on the log without them, with spare leaves, and the held-out items are then
 * added to the trained index, once by their category (the centroid of its items' leaf embeddings) and once by an
 * embedding from another model: the two-tower baseline's item vectors (trained on the full log's training users, as
 * a model retrained daily would have seen the new items' first interactions), turned into the tree's leaf space as
 * the mean leaf embedding of each item's {@value #NEIGHBOURS} nearest kept items by cosine in the two-tower's space.
 * A full rebuild trains on every item with the same settings. All runs are measured on the full log's test users
 * (same split as the other rows), on their whole truth and on the part of it that the held-out items make up.
 *
 * <p>Both logs are written as generic CSV with users in the original order, so the split picks the same users;
 * the study checks that it did. Usage: {@code AddItemsStudy DATA FORMAT [heldOut=0.1] [spare=0.25] [rounds=2]
 * [epochs=1] [samplesPerEpoch=40000] [beam=200] [out=work/add-items] [heldOutSeed=7]}. Besides beam search, each
 * index's held-out recall under brute force (every item scored by the same model) tells the cost of the vector an
 * item was given from the cost of where it was placed.
 */
public final class AddItemsStudy {
    /** Kept items whose leaf embeddings make a held-out item's, by two-tower cosine. */
    static final int NEIGHBOURS = 10;
    private static final int[] KS = {10, 50, 200};
    private static final long SEED = 7;

    private AddItemsStudy() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        DataFormat format = DataFormat.fromId(args[1]);
        double heldOutShare = args.length > 2 ? Double.parseDouble(args[2]) : 0.1;
        SpareLeaves spare = SpareLeaves.parse(args.length > 3 ? args[3] : "0.25", "spare");
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int epochs = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        int samples = args.length > 6 ? Integer.parseInt(args[6]) : 40_000;
        int beam = args.length > 7 ? Integer.parseInt(args[7]) : 200;
        Path out = Path.of(args.length > 8 ? args[8] : "work/add-items");
        long heldOutSeed = args.length > 9 ? Long.parseLong(args[9]) : SEED;
        PrintWriter report = new PrintWriter(System.out, true);
        ProgressListener progress = ProgressListener.SILENT;

        InteractionLog log = InteractionLogs.read(data, format, ReadOptions.DEFAULTS);
        SplitOptions splitOptions = SplitOptions.withSeed(1);
        DataSplit split = DataSplit.of(log, splitOptions);
        boolean[] heldOut = heldOutItems(log.numItems(), heldOutShare, heldOutSeed);
        int heldOutCount = count(heldOut);
        recreate(out);
        Path all = writeLog(log, null, out.resolve("all.csv"));
        Path kept = writeLog(log, heldOut, out.resolve("without-held-out.csv"));
        checkSameUsers(split, DataSplit.of(InteractionLogs.read(kept, DataFormat.CSV, ReadOptions.DEFAULTS), splitOptions),
                log);

        TdmRounds.Options options = new TdmRounds.Options(ModelArchitecture.tdmAttentionDnn(), 2, rounds,
                new TdmTrainer.Config(epochs, samples, 100, 0.002f, Runtime.getRuntime().availableProcessors(), SEED), 0.1,
                false, 1, false, 4, TrainableModel.Options.defaults().embeddingStd(), new Algorithm.Tdm(), 0);
        long t = System.nanoTime();
        Path full = out.resolve("full-rebuild");
        train(all, options, full);
        double fullSeconds = (System.nanoTime() - t) / 1e9;
        t = System.nanoTime();
        Path without = out.resolve("held-out");
        train(kept, options.withSpareLeaves(spare), without);
        double withoutSeconds = (System.nanoTime() - t) / 1e9;

        TwoTower tower = TwoTower.train(split, TwoTowerOptions.DEFAULTS.withSeed(SEED), progress);
        Path byCategory = copyIndex(without, out.resolve("added-by-category"));
        Path byEmbedding = copyIndex(without, out.resolve("added-by-embedding"));
        Path categoryFile = out.resolve("held-out-categories.csv"), embeddingFile = out.resolve("held-out-embeddings.csv");
        try (TreeSegment segment = IndexDirectory.openLatestVerified(without)) {
            writeItemFiles(log, heldOut, segment.toTreeIndex(), tower, categoryFile, embeddingFile);
            report.printf(Locale.ROOT, "%s: %,d items, %,d held out (seed %d); held-out tree: %,d leaves for %,d items%n",
                    data, log.numItems(), heldOutCount, heldOutSeed, segment.shape().leafCount(), segment.itemCount());
        }
        t = System.nanoTime();
        int categoryAdded = AddItemsJob.run(byCategory, categoryFile, progress).added();
        double categorySeconds = (System.nanoTime() - t) / 1e9;
        t = System.nanoTime();
        AddItemsJob.run(byEmbedding, embeddingFile, progress);
        double embeddingSeconds = (System.nanoTime() - t) / 1e9;

        HeldOutUsers test = split.test();
        report.printf(Locale.ROOT, "%,d held-out items added by category (the others' category is new to the index), %,d"
                + " by embedding%n", categoryAdded, heldOutCount);
        report.printf(Locale.ROOT, "%d test users, %d of them with held-out items in their truth; beam %d%n%n", test.size(),
                usersWithHeldOut(test, heldOut), beam);
        report.println("| index | time | R@10 | R@50 | R@200 | held-out R@10 | held-out R@50 | held-out R@200 | held-out"
                + " R@10, brute force | held-out R@50, brute force | held-out R@200, brute force |");
        report.println("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        row(report, "full rebuild (all items trained)", String.format(Locale.ROOT, "train %.0f s", fullSeconds), full, log,
                test, heldOut, beam);
        row(report, "held out, not added", String.format(Locale.ROOT, "train %.0f s", withoutSeconds), without, log, test,
                heldOut, beam);
        row(report, "held out, added by category centroid", String.format(Locale.ROOT, "add %.1f s", categorySeconds),
                byCategory, log, test, heldOut, beam);
        row(report, "held out, added by two-tower embedding", String.format(Locale.ROOT, "add %.1f s", embeddingSeconds),
                byEmbedding, log, test, heldOut, beam);
    }

    private static void train(Path csv, TdmRounds.Options options, Path out) throws IOException {
        new TrainJob(csv, DataFormat.CSV, ReadOptions.DEFAULTS, SplitOptions.withSeed(1), options, out, 0, KS, 0,
                TrainJob.FirstTree.CATEGORY, 0).run(ProgressListener.SILENT);
    }

    /** A seeded {@code share} of the items. */
    static boolean[] heldOutItems(int items, double share, long seed) {
        int[] order = new int[items];
        for (int i = 0; i < items; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = items - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        boolean[] held = new boolean[items];
        for (int i = 0; i < Math.round(share * items); i++) {
            held[order[i]] = true;
        }
        return held;
    }

    /**
     * The log as {@code user,item,category,timestamp}, users in ordinal order and each one's items in sequence order
     * (the position is the timestamp), without the {@code dropped} items when it is not null.
     */
    private static Path writeLog(InteractionLog log, boolean[] dropped, Path csv) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(csv)) {
            for (int u = 0; u < log.numUsers(); u++) {
                int[] sequence = log.sequence(u);
                for (int t = 0; t < sequence.length; t++) {
                    int item = sequence[t];
                    if (dropped == null || !dropped[item]) {
                        w.write(log.userIds()[u] + "," + log.itemIds()[item] + "," + quote(categoryOf(log, item)) + ","
                                + t + "\n");
                    }
                }
            }
        }
        return csv;
    }

    private static String categoryOf(InteractionLog log, int item) {
        String name = log.categoryName(log.itemCategory(item));
        return name.equals(InteractionLog.NO_CATEGORY) ? "" : name;
    }

    private static String quote(String field) {
        return "\"" + field.replace("\"", "\"\"") + "\"";
    }

    /** Fails unless the log without the held-out items splits into the same validation and test users. */
    private static void checkSameUsers(DataSplit full, DataSplit kept, InteractionLog log) {
        long[] a = ids(full.test(), log.userIds()), b = ids(kept.test(), kept.log().userIds());
        long[] c = ids(full.validation(), log.userIds()), d = ids(kept.validation(), kept.log().userIds());
        if (!Arrays.equals(a, b) || !Arrays.equals(c, d)) {
            throw new IllegalStateException("holding the items out changed the split's users; pick another seed");
        }
    }

    private static long[] ids(HeldOutUsers users, long[] userIds) {
        long[] ids = new long[users.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = userIds[users.user(i)];
        }
        return ids;
    }

    /**
     * The held-out items as two add-items files: by category, and by the mean leaf embedding of the kept items
     * nearest in the two-tower's space.
     */
    private static void writeItemFiles(InteractionLog log, boolean[] heldOut, TreeIndex index, TwoTower tower,
            Path categoryFile, Path embeddingFile) throws IOException {
        int dim = index.dim();
        int[] keptOrdinal = new int[log.numItems()];
        int[] keptItems = new int[index.itemIds().length];
        for (int i = 0; i < index.itemIds().length; i++) {
            int item = log.itemOrdinal(index.itemIds()[i]);
            keptItems[i] = item;
            keptOrdinal[item] = i;
        }
        try (BufferedWriter byCategory = Files.newBufferedWriter(categoryFile);
             BufferedWriter byEmbedding = Files.newBufferedWriter(embeddingFile)) {
            byCategory.write("id,category\n");
            byEmbedding.write("id,category,embedding\n");
            for (int item = 0; item < log.numItems(); item++) {
                if (!heldOut[item]) {
                    continue;
                }
                String id = Long.toString(log.itemIds()[item]);
                // A category that only held-out items have is new to the index: such an item can only be placed by
                // an embedding, so the category file leaves it out and the embedding file gives it none.
                String category = index.categoryNames().contains(categoryOf(log, item)) ? categoryOf(log, item) : "";
                if (!category.isEmpty()) {
                    byCategory.write(id + "," + quote(category) + "\n");
                }
                float[] mean = new float[dim];
                for (int neighbour : nearest(tower, item, keptItems)) {
                    int row = index.shape().leafNode(index.itemToLeaf()[keptOrdinal[neighbour]]) * dim;
                    for (int k = 0; k < dim; k++) {
                        mean[k] += index.nodeEmbeddings()[row + k] / NEIGHBOURS;
                    }
                }
                StringJoiner vector = new StringJoiner(" ");
                for (float x : mean) {
                    vector.add(Float.toString(x));
                }
                byEmbedding.write(id + "," + quote(category) + "," + vector + "\n");
            }
        }
    }

    /** The {@value #NEIGHBOURS} of {@code candidates} nearest {@code item} by cosine of the two-tower's item vectors. */
    private static int[] nearest(TwoTower tower, int item, int[] candidates) {
        float[] v = tower.itemVector(item);
        double[] similarity = new double[candidates.length];
        Integer[] order = new Integer[candidates.length];
        for (int i = 0; i < candidates.length; i++) {
            float[] c = tower.itemVector(candidates[i]);
            double dot = 0, norm = 0;
            for (int k = 0; k < v.length; k++) {
                dot += v[k] * c[k];
                norm += c[k] * c[k];
            }
            similarity[i] = dot / Math.sqrt(norm + 1e-12);
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> -similarity[i]));
        int[] nearest = new int[NEIGHBOURS];
        for (int i = 0; i < NEIGHBOURS; i++) {
            nearest[i] = candidates[order[i]];
        }
        return nearest;
    }

    private static int usersWithHeldOut(HeldOutUsers users, boolean[] heldOut) {
        int n = 0;
        for (int i = 0; i < users.size(); i++) {
            n += Arrays.stream(users.truth(i)).anyMatch(item -> heldOut[item]) ? 1 : 0;
        }
        return n;
    }

    /**
     * Recall at each K, averaged over the test users, on the whole truth and on its held-out items (over the users
     * who have some); the segment's items are matched to the log's by id, and the user's input is excluded.
     */
    private static void row(PrintWriter report, String name, String time, Path index, InteractionLog log,
            HeldOutUsers test, boolean[] heldOut, int beam) throws IOException {
        try (TreeSegment segment = IndexDirectory.openLatestVerified(index)) {
            StringBuilder cells = new StringBuilder();
            recalls(byId(segment, log, beam), test, heldOut, true, cells);
            recalls(byId(segment, log, 0), test, heldOut, false, cells);
            report.printf(Locale.ROOT, "| %s | %s |%s%n", name, time, cells);
        }
    }

    /** Appends the recall cells of one recommender: on the whole truth (when {@code whole}), then on the held-out items. */
    private static void recalls(Recommender recommender, HeldOutUsers test, boolean[] heldOut, boolean whole,
            StringBuilder cells) {
        int maxK = KS[KS.length - 1];
        double[] recall = new double[KS.length], heldOutRecall = new double[KS.length];
        int usersWithHeldOut = 0;
        for (int u = 0; u < test.size(); u++) {
            int[] ranked = recommender.recommend(test.input(u), maxK);
            int[] truth = test.truth(u);
            int heldOutTruth = (int) Arrays.stream(truth).filter(item -> heldOut[item]).count();
            usersWithHeldOut += heldOutTruth > 0 ? 1 : 0;
            for (int k = 0; k < KS.length; k++) {
                int hits = 0, heldOutHits = 0;
                for (int r = 0; r < Math.min(KS[k], ranked.length); r++) {
                    if (contains(truth, ranked[r])) {
                        hits++;
                        heldOutHits += heldOut[ranked[r]] ? 1 : 0;
                    }
                }
                recall[k] += (double) hits / truth.length;
                heldOutRecall[k] += heldOutTruth > 0 ? (double) heldOutHits / heldOutTruth : 0;
            }
        }
        if (whole) {
            for (double r : recall) {
                cells.append(String.format(Locale.ROOT, " %.2f%% |", 100 * r / test.size()));
            }
        }
        for (double r : heldOutRecall) {
            cells.append(String.format(Locale.ROOT, " %.2f%% |", 100 * r / usersWithHeldOut));
        }
    }

    private static boolean contains(int[] items, int item) {
        for (int i : items) {
            if (i == item) {
                return true;
            }
        }
        return false;
    }

    /** Beam search over {@code segment} (brute force for beam 0), with the log's item ordinals in and out, matched by id. */
    private static Recommender byId(TreeSegment segment, InteractionLog log, int beam) {
        BeamSearcher searcher = new BeamSearcher(segment);
        return new Recommender() {
            @Override
            public int[] recommend(int[] input, int k) {
                SearchContext context = searcher.newContext();
                long[] ids = new long[input.length];
                int n = 0;
                for (int item : input) {
                    long id = log.itemIds()[item];
                    if (segment.ordinalOf(id) >= 0) {
                        ids[n++] = id;
                    }
                }
                context.history(ids, n);
                for (int i = 0; i < n; i++) {
                    context.exclude(ids[i]);
                }
                SearchResult result = new SearchResult(k);
                if (beam == 0) {
                    searcher.bruteForce(context, k, result);
                } else {
                    searcher.search(context, k, Math.max(k, beam), result);
                }
                int[] ranked = new int[result.count()];
                for (int r = 0; r < ranked.length; r++) {
                    ranked[r] = log.itemOrdinal(result.itemId(r));
                }
                return ranked;
            }

            @Override
            public String name() {
                return beam == 0 ? "brute force" : "beam " + beam;
            }
        };
    }

    private static int count(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        return n;
    }

    private static void recreate(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
    }

    /** A copy of the index directory's live segment and commit, to add items to without touching the original. */
    private static Path copyIndex(Path from, Path to) throws IOException {
        IndexDirectory.Commit commit = IndexDirectory.readCommit(from);
        Files.createDirectories(to.resolve(commit.segmentName()));
        try (Stream<Path> files = Files.list(from.resolve(commit.segmentName()))) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(commit.segmentName()).resolve(f.getFileName()));
            }
        }
        Files.copy(from.resolve("commit.arb"), to.resolve("commit.arb"));
        return to;
    }
}
