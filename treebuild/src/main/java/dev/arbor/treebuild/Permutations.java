package dev.arbor.treebuild;

import java.util.SplittableRandom;

/** Seeded in-place permutation helpers on int arrays. */
final class Permutations {

    private Permutations() {
    }

    static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Fisher-Yates shuffle of {@code a[from, to)}. */
    static void shuffle(int[] a, int from, int to, SplittableRandom random) {
        for (int i = to - 1; i > from; i--) {
            swap(a, i, from + random.nextInt(i - from + 1));
        }
    }

    /** Moves a uniform sample of {@code m} elements of {@code a[from, to)} to {@code a[from, from+m)}. */
    static void sampleToFront(int[] a, int from, int to, int m, SplittableRandom random) {
        for (int i = from; i < from + m; i++) {
            swap(a, i, i + random.nextInt(to - i));
        }
    }

    static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
