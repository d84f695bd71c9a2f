package dev.arbor.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {

    private static final double EPS = 1e-12;

    @Test
    void oneUserAtSeveralCutOffs() {
        QualityReport r = new QualityReport(4, 2);
        // hits at ranks 1 and 4; truth has 3 items (9 is never recommended)
        r.add(new int[] {5, 1, 2, 7, 8}, new int[] {7, 5, 9});

        assertArrayEquals(new int[] {2, 4}, r.ks());
        assertEquals(1, r.users());
        assertEquals(1.0 / 2, r.precision(2), EPS);
        assertEquals(1.0 / 3, r.recall(2), EPS);
        assertEquals(2 * (0.5 / 3) / (0.5 + 1.0 / 3), r.fMeasure(2), EPS);
        assertEquals(2.0 / 4, r.precision(4), EPS);
        assertEquals(2.0 / 3, r.recall(4), EPS);
        assertEquals(2 * (0.5 * 2 / 3) / (0.5 + 2.0 / 3), r.fMeasure(4), EPS);
        assertEquals(2.0 / 3, r.globalRecall(4), EPS);
    }

    @Test
    void averagesPerUserAndGlobalRecallWeighsByTruth() {
        QualityReport r = new QualityReport(2);
        r.add(new int[] {1, 2}, new int[] {1});          // P 1/2, R 1, F 2/3
        r.add(new int[] {3, 4}, new int[] {5, 6, 7});    // P 0, R 0, F 0
        r.add(new int[] {8, 9}, new int[] {8, 9, 10, 11}); // P 1, R 1/2, F 2/3

        assertEquals(3, r.users());
        assertEquals((0.5 + 0 + 1) / 3, r.precision(2), EPS);
        assertEquals((1 + 0 + 0.5) / 3, r.recall(2), EPS);
        assertEquals((2.0 / 3 + 0 + 2.0 / 3) / 3, r.fMeasure(2), EPS);
        assertEquals(3.0 / 8, r.globalRecall(2), EPS);
    }

    @Test
    void shortListsStillDivideByKAndDuplicatesCountOnce() {
        QualityReport r = new QualityReport(10);
        r.add(new int[] {1, 1, 2}, new int[] {1, 2, 3, 3});

        assertEquals(2.0 / 10, r.precision(10), EPS);
        assertEquals(2.0 / 3, r.recall(10), EPS); // truth {1,2,3}: the repeated 3 counts once
        assertEquals(2.0 / 3, r.globalRecall(10), EPS);
    }

    @Test
    void emptyTruthIsSkippedAndEmptyListScoresZero() {
        QualityReport r = new QualityReport(5);
        r.add(new int[] {1, 2, 3}, new int[0]);
        assertEquals(0, r.users());
        assertEquals(1, r.skippedUsers());
        assertEquals(0, r.precision(5));
        assertEquals(0, r.recall(5));
        assertEquals(0, r.globalRecall(5));

        r.add(new int[0], new int[] {4});
        assertEquals(1, r.users());
        assertEquals(0, r.fMeasure(5));
    }

    @Test
    void mergeEqualsAddingEverythingToOneReport() {
        int[][] lists = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {1, 4, 7}};
        int[][] truths = {{2, 9}, {6}, {10, 11, 7}, {4, 7, 1}};
        QualityReport all = new QualityReport(1, 3);
        QualityReport a = new QualityReport(3, 1);
        QualityReport b = new QualityReport(1, 3);
        for (int u = 0; u < lists.length; u++) {
            all.add(lists[u], truths[u]);
            (u < 2 ? a : b).add(lists[u], truths[u]);
        }
        a.merge(b);
        for (int k : new int[] {1, 3}) {
            assertEquals(all.precision(k), a.precision(k), EPS);
            assertEquals(all.recall(k), a.recall(k), EPS);
            assertEquals(all.fMeasure(k), a.fMeasure(k), EPS);
            assertEquals(all.globalRecall(k), a.globalRecall(k), EPS);
        }
        assertEquals(4, a.users());
        assertThrows(IllegalArgumentException.class, () -> a.merge(new QualityReport(1, 2)));
    }

    @Test
    void rejectsBadCutOffs() {
        assertThrows(IllegalArgumentException.class, QualityReport::new);
        assertThrows(IllegalArgumentException.class, () -> new QualityReport(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new QualityReport(10, 10));
        assertThrows(IllegalArgumentException.class, () -> new QualityReport(10).recall(20));
    }

    @Test
    void tableRowMatchesHeader() {
        QualityReport r = new QualityReport(10, 50);
        r.add(new int[] {1}, new int[] {1, 2});
        String[] header = r.tableHeader("model", "time").split("\n");
        String row = r.tableRow("Item-CF", "1.0 s");
        assertEquals(header[0].chars().filter(c -> c == '|').count(), row.chars().filter(c -> c == '|').count());
        assertEquals(header[0].chars().filter(c -> c == '|').count(),
                header[1].chars().filter(c -> c == '|').count());
        assertTrue(header[0].startsWith("| model | time | P@10 | R@10 | F@10 | gR@10 | P@50 |"), header[0]);
        assertTrue(row.startsWith("| Item-CF | 1.0 s | 10.00% | 50.00% | 16.67% | 50.00% | 2.00% |"), row);
    }

    @Test
    void fidelityIsTheShareOfTheExactListFound() {
        assertEquals(1.0, Metrics.fidelity(new int[] {3, 1, 2}, new int[] {1, 2, 3}), EPS);
        assertEquals(0.5, Metrics.fidelity(new int[] {1, 9, 8, 7}, new int[] {1, 2}), EPS);
        assertEquals(0.0, Metrics.fidelity(new int[0], new int[] {1, 2}), EPS);
        assertEquals(1.0 / 3, Metrics.fidelity(new int[] {2, 2, 2}, new int[] {1, 2, 3}), EPS);
        assertEquals(1.0, Metrics.fidelity(new int[] {1}, new int[0]), EPS);
    }

    @Test
    void fMeasureOfZeroIsZero() {
        assertEquals(0, Metrics.fMeasure(0, 0));
        assertEquals(0.5, Metrics.fMeasure(0.5, 0.5), EPS);
    }
}
