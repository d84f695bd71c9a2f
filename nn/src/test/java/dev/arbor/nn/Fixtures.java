package dev.arbor.nn;

import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;

import java.util.SplittableRandom;

/** Small architectures, batches with empty slots and windows, randomised models. */
final class Fixtures {

    static final int ROWS = 14;

    private Fixtures() {
    }

    /** d=4, windows {2,1,3}, A=5 (attention only), hidden {6,3}. */
    static ModelArchitecture small(ModelKind kind) {
        return new ModelArchitecture(kind, 4, new int[] {2, 1, 3}, kind == ModelKind.ATTENTION_DNN ? 5 : 0,
                new int[] {6, 3});
    }

    static ModelArchitecture tdm(ModelKind kind) {
        return kind == ModelKind.ATTENTION_DNN ? ModelArchitecture.tdmAttentionDnn() : ModelArchitecture.tdmMlp();
    }

    /**
     * Groups over a 6-slot history: one with an empty slot and the empty middle window whose first
     * candidate is also one of its behaviours, one full, one without candidates (its rows 12 and 13 are
     * used nowhere else), one with a single behaviour, one with an empty history; labels mixed.
     */
    static Batch smallBatch() {
        Batch b = new Batch(6);
        b.addHistory(new int[] {3, -1, -1, 5, 7, 9});
        b.addCandidate(5, 1);
        b.addCandidate(0, 0);
        b.addCandidate(11, 1);
        b.addHistory(new int[] {1, 2, 4, 6, 8, 10});
        b.addCandidate(2, 0);
        b.addCandidate(3, 1);
        b.addHistory(new int[] {12, 13, 12, -1, 13, 12});
        b.addHistory(new int[] {-1, -1, 6, -1, -1, -1});
        b.addCandidate(10, 0);
        b.addCandidate(6, 1);
        b.addCandidate(1, 0);
        b.addHistory(new int[] {-1, -1, -1, -1, -1, -1});
        b.addCandidate(4, 1);
        return b;
    }

    /**
     * Random groups: each slot empty with probability 0.3, every third history's first window empty, every
     * fifth group without candidates.
     */
    static Batch randomBatch(ModelArchitecture arch, int rows, int groups, int candidates, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int h = arch.historyLength();
        int firstWindow = arch.windowSizes()[0];
        Batch b = new Batch(h);
        int[] history = new int[h];
        for (int g = 0; g < groups; g++) {
            for (int s = 0; s < h; s++) {
                boolean empty = r.nextDouble() < 0.3 || (g % 3 == 0 && s < firstWindow);
                history[s] = empty ? -1 : r.nextInt(rows);
            }
            b.addHistory(history);
            for (int c = 0; c < (g % 5 == 4 ? 0 : candidates); c++) {
                b.addCandidate(r.nextInt(rows), r.nextInt(2));
            }
        }
        return b;
    }

    /**
     * Groups laid out as TDM's levels: each of {@code levels} lists is a positive and {@code negatives} negatives;
     * each slot of a {@code historyLength}-slot history is empty with probability 0.3, and every third group has no
     * candidates.
     */
    static Batch levelBatch(int historyLength, int rows, int groups, int levels, int negatives, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Batch b = new Batch(historyLength);
        int[] history = new int[historyLength];
        for (int g = 0; g < groups; g++) {
            for (int s = 0; s < historyLength; s++) {
                history[s] = r.nextDouble() < 0.3 ? -1 : r.nextInt(rows);
            }
            b.addHistory(history);
            for (int l = 0; l < (g % 3 == 2 ? 0 : levels); l++) {
                b.addCandidate(r.nextInt(rows), 1);
                for (int n = 0; n < negatives; n++) {
                    b.addCandidate(r.nextInt(rows), 0);
                }
            }
        }
        return b;
    }

    /** Gives every parameter and embedding a random value, so gradient checks do not start at a symmetric point. */
    static void randomise(TrainableModel m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < m.parameterCount(); i++) {
            float[] t = m.parameter(i);
            boolean slope = m.parameterNames().get(i).endsWith(".alpha");
            for (int j = 0; j < t.length; j++) {
                t[j] = slope ? (float) r.nextDouble(0.05, 0.5) : (float) r.nextGaussian(0, 0.5);
            }
        }
        float[] e = m.embeddings();
        for (int j = 0; j < e.length; j++) {
            e[j] = (float) r.nextGaussian(0, 0.7);
        }
    }
}
