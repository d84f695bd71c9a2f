package dev.arbor.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.format.TreeShape;
import dev.arbor.reader.TreeSegment;
import dev.arbor.scorer.LevelScorer;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchResult;
import dev.arbor.search.SearchableTree;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The beam search is written against {@link LevelScorer}: run on ONNX Runtime instead of Arbor's scorer, over the
 * same segment, it returns the same ranking. The two scorers round differently (within 1e-6 relative), so where
 * two items tie to that precision they may swap places; rank by rank the scores must agree, and nearly all items.
 */
class OnnxBeamSearchTest {
    @TempDir
    Path dir;

    @Test
    void beamSearchOnOnnxRuntimeFindsWhatTheNativeScorerFinds() throws Exception {
        for (ModelKind kind : ModelKind.values()) {
            TreeIndex index = SyntheticIndex.generate(2000, 2, kind, 5, 0.5);
            Path segmentDir = SegmentWriter.write(dir.resolve(kind.name()), index);
            try (TreeSegment segment = TreeSegment.openVerified(segmentDir);
                 OnnxScorer onnx = new OnnxScorer(segment.model(), 1)) {
                SearchableTree viaOnnx = withScorer(segment,
                        new OnnxLevelScorer(onnx, segment.architecture(), segment.embeddings()));
                BeamSearcher nativeSearch = new BeamSearcher(segment), onnxSearch = new BeamSearcher(viaOnnx);
                SplittableRandom random = new SplittableRandom(9);
                for (int query = 0; query < 10; query++) {
                    long[] history = SyntheticIndex.sampleHistory(index, 1 + random.nextInt(69), 3, random);
                    SearchResult expected = new SearchResult(20), actual = new SearchResult(20);
                    nativeSearch.search(nativeSearch.newContext().history(history, history.length), 20, 60, expected);
                    onnxSearch.search(onnxSearch.newContext().history(history, history.length), 20, 60, actual);
                    assertEquals(expected.count(), actual.count());
                    for (int i = 0; i < actual.count(); i++) {
                        assertEquals(expected.score(i), actual.score(i), 1e-4 * Math.max(1, Math.abs(expected.score(i))),
                                kind + ", query " + query + ", rank " + i);
                    }
                    java.util.Set<Long> same = new java.util.HashSet<>();
                    for (long id : ids(expected)) {
                        same.add(id);
                    }
                    same.retainAll(java.util.Arrays.stream(ids(actual)).boxed().toList());
                    assertTrue(same.size() >= 18, kind + ", query " + query + ": only " + same.size() + " of 20 items in"
                            + " common:\n" + java.util.Arrays.toString(ids(expected)) + "\n" + java.util.Arrays.toString(ids(actual)));
                }
            }
        }
    }

    private static long[] ids(SearchResult result) {
        long[] ids = new long[result.count()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = result.itemId(i);
        }
        return ids;
    }

    /** The segment's tree with another scorer of its nodes. */
    private static SearchableTree withScorer(TreeSegment segment, LevelScorer scorer) {
        return new SearchableTree() {
            @Override
            public TreeShape shape() {
                return segment.shape();
            }

            @Override
            public LevelScorer scorer() {
                return scorer;
            }

            @Override
            public boolean nonEmpty(int node) {
                return segment.nonEmpty(node);
            }

            @Override
            public int itemAtLeaf(int leaf) {
                return segment.itemAtLeaf(leaf);
            }

            @Override
            public int leafOf(int ordinal) {
                return segment.leafOf(ordinal);
            }

            @Override
            public int itemCount() {
                return segment.itemCount();
            }

            @Override
            public long itemId(int ordinal) {
                return segment.itemId(ordinal);
            }

            @Override
            public int ordinalOf(long itemId) {
                return segment.ordinalOf(itemId);
            }

            @Override
            public String describe() {
                return segment.describe() + " scored by ONNX Runtime";
            }
        };
    }
}
