package dev.arbor.cli;

import dev.arbor.dataset.DataFormat;
import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogs;
import dev.arbor.dataset.ReadOptions;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.jobs.TrainJob;
import dev.arbor.progress.ProgressListener;
import dev.arbor.reader.TreeSegment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * The data and user split a segment was trained on, rebuilt from the provenance {@code arbor train} records in it, so
 * that every later measurement of the segment (eval, the HNSW comparison) scores the same test users.
 */
record SegmentSplit(Path data, DataSplit split) {

    /** Reads the tree segment's data ({@code dataOverride} when not null) and splits it as training did. */
    static SegmentSplit of(TreeSegment segment, Path where, Path dataOverride, ProgressListener progress)
            throws IOException {
        return of(segment.properties(), segment.itemCount(), segment::itemId, where, dataOverride, progress);
    }

    /**
     * Reads the data a segment of either kind was trained on ({@code dataOverride} when not null), checks that it
     * holds the segment's items in the segment's order, and splits it as training did.
     *
     * @param p      the segment's properties
     * @param where  the index, for errors
     */
    static SegmentSplit of(Map<String, String> p, int itemCount, IntToLongFunction itemId, Path where,
                           Path dataOverride, ProgressListener progress) throws IOException {
        Path path = dataOverride != null ? dataOverride : Path.of(required(p, TrainJob.SOURCE_PATH, where));
        DataFormat format = DataFormat.fromId(required(p, TrainJob.SOURCE_FORMAT, where));
        InteractionLog log = InteractionLogs.read(path, format, ReadOptions.DEFAULTS, progress);
        checkSameItems(itemCount, itemId, log);
        SplitOptions split = new SplitOptions(Long.parseLong(required(p, TrainJob.SPLIT_SEED, where)),
                Integer.parseInt(required(p, TrainJob.SPLIT_VALIDATION, where)),
                Integer.parseInt(required(p, TrainJob.SPLIT_TEST, where)));
        return new SegmentSplit(path, DataSplit.of(log, split));
    }

    private static String required(Map<String, String> p, String key, Path where) {
        String v = p.get(key);
        if (v == null) {
            throw new IllegalArgumentException(where + ": the segment has no property " + key
                    + " (was it written by arbor train?)");
        }
        return v;
    }

    private static void checkSameItems(int itemCount, IntToLongFunction itemId, InteractionLog log) {
        long[] ids = log.itemIds();
        if (ids.length != itemCount) {
            throw new IllegalArgumentException("the data has " + ids.length + " items, the segment " + itemCount
                    + ": not the data it was trained on");
        }
        for (int i = 0; i < ids.length; i++) {
            if (itemId.applyAsLong(i) != ids[i]) {
                throw new IllegalArgumentException("item ordinal " + i + " is id " + ids[i] + " in the data but "
                        + itemId.applyAsLong(i) + " in the segment: not the data it was trained on");
            }
        }
    }
}
