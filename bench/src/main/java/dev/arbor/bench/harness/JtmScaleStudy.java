package dev.arbor.bench.harness;

import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.format.TreeShape;
import dev.arbor.scorer.Kernels;
import dev.arbor.scorer.ModelTensors;
import dev.arbor.scorer.NodeScorer;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.treetrain.JtmTreeLearner;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How long JTM's tree learning takes as the catalogue, the samples per item and the gap d grow. A synthetic index
 * supplies the attention-DNN (dim 24, 69 behaviours, MLP 128-64-24: the shape of a trained one) and its tree; each item
 * gets {@code samplesPerItem} sample histories from a pool of synthetic users. Every run reports the two counts the
 * time is made of: prepared users (a sample's history terms, once per sample and step) and (sample, node) scores.
 * The learner's scoring does not depend on the scores' values, so a synthetic model times it as a trained one would.
 *
 * <p>Usage: {@code JtmScaleStudy [items=1e5,1e6] [gaps=2,7] [samplesPerItem=2] [threads=all]}.
 */
public final class JtmScaleStudy {
    private JtmScaleStudy() {
    }

    public static void main(String[] args) {
        List<Integer> sizes = ints(args.length > 0 ? args[0] : "1e5,1e6");
        List<Integer> gaps = ints(args.length > 1 ? args[1] : "2,7");
        int perItem = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "JTM tree learning, attention-DNN, B = 2, %d samples per item, %d threads%n%n",
                perItem, threads);
        System.out.println("| items | d | steps | prepared users | node scores | node scores per sample | seconds |"
                + " node scores/s | items moved |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int items : sizes) {
            TreeIndex index = SyntheticIndex.generate(items, 2, ModelKind.ATTENTION_DNN, 42);
            TreeShape shape = index.shape();
            NodeScorer scorer = new NodeScorer(ModelTensors.of(index.model()), MemorySegment.ofArray(index.nodeEmbeddings()),
                    Kernels.best());
            int[][] pool = historyPool(index, 1000);
            JtmTreeLearner.ItemSamples samples = new JtmTreeLearner.ItemSamples() {
                @Override
                public int count(int item) {
                    return perItem;
                }

                @Override
                public void history(int item, int k, int[] out) {
                    int[] h = pool[(int) (((long) item * perItem + k) % pool.length)];
                    System.arraycopy(h, 0, out, 0, out.length);
                }
            };
            for (int gap : gaps) {
                JtmTreeLearner.Result r = JtmTreeLearner.learn(shape, index.itemToLeaf(), scorer, samples, gap, threads,
                        line -> System.err.println("  " + line));
                int steps = (shape.leafLevel() - 1 + gap - 1) / gap;
                long prepared = (long) items * perItem * steps;
                System.out.printf(Locale.ROOT, "| %,d | %d | %d | %,d | %,d | %,.0f | %.1f | %,.0f | %,d |%n", items, gap,
                        steps, prepared, r.nodeScores(), (double) r.nodeScores() / ((long) items * perItem), r.seconds(),
                        r.nodeScores() / r.seconds(), r.moved());
            }
        }
    }

    /** Synthetic users' histories as leaf-node rows, 69 slots each. */
    private static int[][] historyPool(TreeIndex index, int n) {
        SplittableRandom r = new SplittableRandom(7);
        int length = index.model().architecture().historyLength();
        int[][] pool = new int[n][];
        for (int q = 0; q < n; q++) {
            long[] ids = SyntheticIndex.sampleHistory(index, length, 6, r);
            int[] nodes = new int[length];
            for (int i = 0; i < length; i++) {
                int ordinal = (int) ((ids[i] - SyntheticIndex.FIRST_ITEM_ID) / SyntheticIndex.ITEM_ID_STEP);
                nodes[i] = index.shape().leafNode(index.itemToLeaf()[ordinal]);
            }
            pool[q] = nodes;
        }
        return pool;
    }

    private static List<Integer> ints(String csv) {
        return java.util.Arrays.stream(csv.split(",")).map(s -> (int) Double.parseDouble(s.trim())).toList();
    }
}
