package dev.arbor.lattice;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeShape;
import dev.arbor.format.LatticeWeights;
import dev.arbor.scorer.Kernels;
import dev.arbor.scorer.ScalarKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The model's batched scoring against a plain, one-prefix-at-a-time reference in double precision. */
class LatticeModelScorerTest {
    private static final int DIM = 4, ITEMS = 50;
    private static final LatticeArchitecture ARCH = new LatticeArchitecture(new LatticeShape(6, 3), DIM,
            BehaviourWindows.sizes(), new int[] {16, 8}, new int[] {8});
    private static final LatticeWeights WEIGHTS = LatticeWeights.gaussian(ARCH, 0.3, 11);
    private static final float[] ITEM_EMB = random(ITEMS * DIM, 1), RERANK_EMB = random(ITEMS * DIM, 2);

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static MemorySegment le(float[] x) {
        MemorySegment s = MemorySegment.ofArray(new byte[x.length * 4]);
        for (int i = 0; i < x.length; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, x[i]);
        }
        return s;
    }

    private static LatticeModelScorer scorer(Kernels kernels) {
        return new LatticeModelScorer(WEIGHTS, le(ITEM_EMB), le(RERANK_EMB), kernels);
    }

    /** u: the history's embeddings mean-pooled per window, the newest SLOTS items filling the last slots. */
    private static double[] user(int[] history) {
        int[] windowOf = BehaviourWindows.windowOfSlot(BehaviourWindows.sizes());
        int slots = BehaviourWindows.SLOTS, n = Math.min(history.length, slots);
        double[] u = new double[ARCH.userWidth()];
        int[] count = new int[ARCH.windowCount()];
        for (int i = 0; i < n; i++) {
            int slot = slots - n + i, item = history[history.length - n + i], w = windowOf[slot];
            count[w]++;
            for (int t = 0; t < DIM; t++) {
                u[w * DIM + t] += ITEM_EMB[item * DIM + t];
            }
        }
        for (int w = 0; w < count.length; w++) {
            for (int t = 0; t < DIM && count[w] > 0; t++) {
                u[w * DIM + t] /= count[w];
            }
        }
        return u;
    }

    private static double[] mlp(String prefix, double[] x, int[] hidden, int out) {
        for (int i = 0; i < hidden.length; i++) {
            x = dense(WEIGHTS.tensor(prefix + "mlp" + i + ".w"), WEIGHTS.tensor(prefix + "mlp" + i + ".b"), x, hidden[i]);
            float[] a = WEIGHTS.tensor(prefix + "mlp" + i + ".alpha");
            for (int r = 0; r < x.length; r++) {
                x[r] = x[r] < 0 ? a[r] * x[r] : x[r];
            }
        }
        return dense(WEIGHTS.tensor(prefix + "out.w"), WEIGHTS.tensor(prefix + "out.b"), x, out);
    }

    private static double[] dense(float[] w, float[] b, double[] x, int rows) {
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = b[r];
            for (int c = 0; c < x.length; c++) {
                y[r] += w[r * x.length + c] * x[c];
            }
        }
        return y;
    }

    private static double[] referenceLogSoftmax(double[] u, int layer, int[] codes) {
        double[] in = new double[ARCH.layerInput(layer)];
        System.arraycopy(u, 0, in, 0, u.length);
        for (int l = 0; l < layer; l++) {
            float[] table = WEIGHTS.tensor(LatticeArchitecture.codeTensor(l));
            for (int t = 0; t < DIM; t++) {
                in[u.length + l * DIM + t] = table[codes[l] * DIM + t];
            }
        }
        double[] logits = mlp(LatticeArchitecture.layerPrefix(layer), in, ARCH.layerHidden(), ARCH.k());
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        for (double v : logits) {
            sum += Math.exp(v - max);
        }
        for (int c = 0; c < logits.length; c++) {
            logits[c] -= max + Math.log(sum);
        }
        return logits;
    }

    @Test
    void batchedLayersEqualTheReferenceForEveryKernelProvider() {
        for (Kernels kernels : new Kernels[] {Kernels.best(), new ScalarKernels()}) {
            LatticeModelScorer scorer = scorer(kernels);
            LatticeModelScorer.User user = scorer.newUser();
            SplittableRandom r = new SplittableRandom(5);
            for (int historyLength : new int[] {0, 1, 7, 69, 90}) {
                int[] history = new int[historyLength];
                for (int i = 0; i < historyLength; i++) {
                    history[i] = r.nextInt(ITEMS);
                }
                scorer.prepare(user, history, historyLength);
                double[] u = user(history);
                for (int layer = 0; layer < ARCH.depth(); layer++) {
                    int n = layer == 0 ? 1 : 7;
                    int[] prefixes = new int[n * layer];
                    for (int i = 0; i < prefixes.length; i++) {
                        prefixes[i] = r.nextInt(ARCH.k());
                    }
                    float[] out = new float[n * ARCH.k()];
                    scorer.logProbabilities(user, layer, prefixes, n, out);
                    for (int i = 0; i < n; i++) {
                        double[] want = referenceLogSoftmax(u, layer, java.util.Arrays.copyOfRange(prefixes, i * layer,
                                (i + 1) * layer));
                        double total = 0;
                        for (int c = 0; c < ARCH.k(); c++) {
                            assertEquals(want[c], out[i * ARCH.k() + c], 1e-4, "layer " + layer + ", prefix " + i
                                    + ", code " + c + ", history " + historyLength);
                            total += Math.exp(out[i * ARCH.k() + c]);
                        }
                        assertEquals(1, total, 1e-4);
                    }
                }
                int[] candidates = {0, 17, 49};
                float[] scores = new float[3];
                scorer.score(user, candidates, 3, scores);
                double[] v = mlp(LatticeArchitecture.RERANK_PREFIX, u, ARCH.rerankHidden(), DIM);
                for (int i = 0; i < 3; i++) {
                    double want = 0;
                    for (int t = 0; t < DIM; t++) {
                        want += v[t] * RERANK_EMB[candidates[i] * DIM + t];
                    }
                    assertEquals(want, scores[i], 1e-4, "rerank score of item " + candidates[i]);
                }
            }
        }
    }

    @Test
    void aFullBeamOverTheModelEqualsBruteForce() {
        LatticeModelScorer scorer = scorer(Kernels.best());
        LatticeSearcher<LatticeModelScorer.User> searcher = new LatticeSearcher<>(scorer);
        LatticeContext<LatticeModelScorer.User> ctx = searcher.newContext();
        scorer.prepare(ctx.user(), new int[] {3, 9, 27}, 3);
        TopPaths beam = new TopPaths(20), exact = new TopPaths(20);
        searcher.search(ctx, 20, 36, beam);
        searcher.bruteForce(ctx, 20, exact);
        assertEquals(exact.count(), beam.count());
        for (int i = 0; i < exact.count(); i++) {
            assertEquals(exact.key(i), beam.key(i));
            assertEquals(exact.logProbability(i), beam.logProbability(i), 1e-5);
        }
    }

    @Test
    void historyOrdinalsOutsideTheItemsAreRefused() {
        LatticeModelScorer scorer = scorer(Kernels.best());
        var e = assertThrows(IllegalArgumentException.class, () -> scorer.prepare(scorer.newUser(), new int[] {ITEMS}, 1));
        assertTrue(e.getMessage().contains("ordinal 50"), e.getMessage());
    }
}
