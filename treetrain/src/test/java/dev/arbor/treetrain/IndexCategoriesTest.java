package dev.arbor.treetrain;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogBuilder;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeShape;
import dev.arbor.nn.TrainableModel;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index that training publishes carries the log's item categories by name; items the log puts in
 * {@link InteractionLog#NO_CATEGORY} have none, and a log without categories gives a segment without them.
 */
class IndexCategoriesTest {
    private static final ModelArchitecture ARCH = new ModelArchitecture(ModelKind.MLP, 4, BehaviourWindows.sizes(), 0,
            new int[] {4});

    @TempDir
    Path dir;

    @Test
    void thePublishedSegmentHasTheLogsCategories() throws Exception {
        String[] categories = {"Drama", "Comedy", null, "Drama", "Film-Noir", null};
        InteractionLog log = log(categories);
        try (TreeSegment s = publish(log)) {
            assertEquals(3, s.categoryCount(), "Drama, Comedy and Film-Noir; not the log's " + InteractionLog.NO_CATEGORY);
            assertEquals(-1, s.categoryOrdinal(InteractionLog.NO_CATEGORY));
            for (int item = 0; item < categories.length; item++) {
                int c = s.categoryOf(s.ordinalOf(item + 1));
                assertEquals(categories[item], c < 0 ? null : s.categoryName(c), "item " + (item + 1));
            }
        }
    }

    @Test
    void aLogWithoutCategoriesGivesASegmentWithout() throws Exception {
        InteractionLog log = log(new String[6]);
        assertFalse(log.hasCategories());
        try (TreeSegment s = publish(log)) {
            assertEquals(0, s.categoryCount());
            assertEquals(-1, s.categoryOf(0));
        }
    }

    /** Items 1..n in order, so their ordinals follow their ids, with the given category names (null: none). */
    private static InteractionLog log(String[] categories) {
        InteractionLogBuilder b = new InteractionLogBuilder(true);
        for (int item = 0; item < categories.length; item++) {
            b.add(1, item + 1, item);
            if (categories[item] != null) {
                b.category(item + 1, categories[item]);
            }
        }
        return b.build();
    }

    private TreeSegment publish(InteractionLog log) throws Exception {
        TreeShape shape = TreeShape.forItems(2, log.numItems());
        int[] itemToLeaf = java.util.stream.IntStream.range(0, log.numItems()).toArray();
        TrainableModel model = TrainableModel.create(ARCH, shape.nodeCount(), TrainableModel.Options.defaults(), 1);
        TdmRounds.Options options = new TdmRounds.Options(ARCH, 2, 1, new TdmTrainer.Config(1, 0, 10, 0.01f, 1, 1), 1.0,
                false, 1, false, 1);
        SegmentWriter.write(dir, TdmRounds.toIndex(log, shape, itemToLeaf, model, options, Map.of(), "test", 0));
        return IndexDirectory.openLatestVerified(dir);
    }
}
