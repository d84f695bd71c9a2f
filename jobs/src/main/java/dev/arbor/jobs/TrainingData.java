package dev.arbor.jobs;

import dev.arbor.dataset.DataFormat;
import dev.arbor.dataset.DataSplit;
import dev.arbor.dataset.InteractionLog;
import dev.arbor.dataset.InteractionLogs;
import dev.arbor.dataset.ReadOptions;
import dev.arbor.dataset.SplitOptions;
import dev.arbor.progress.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What every training job starts from: the log read, the users split, and the provenance properties that let
 * {@code arbor eval} rebuild the same split from a segment.
 */
record TrainingData(InteractionLog log, DataSplit split, Map<String, String> source) {

    static TrainingData read(Path data, DataFormat format, ReadOptions read, SplitOptions split, int minHistory,
                             ProgressListener progress) throws IOException {
        long t0 = System.nanoTime();
        InteractionLog interactions = InteractionLogs.read(data, format, read, progress);
        DataSplit dataSplit = DataSplit.of(interactions, split);
        progress.message(String.format(Locale.ROOT, "data: %s (%s): %,d users, %,d items, %,d interactions, read in"
                + " %.1f s", data, format.id(), interactions.numUsers(), interactions.numItems(), interactions.size(),
                (System.nanoTime() - t0) / 1e9));
        progress.message(String.format(Locale.ROOT, "split: seed %d, %,d training users, %,d validation, %,d test",
                split.seed(), dataSplit.trainUsers().length, dataSplit.validation().size(), dataSplit.test().size()));
        Map<String, String> source = new LinkedHashMap<>();
        source.put("source", "trained");
        source.put(TrainJob.SOURCE_PATH, data.toAbsolutePath().normalize().toString());
        source.put(TrainJob.SOURCE_FORMAT, format.id());
        source.put(TrainJob.SPLIT_SEED, Long.toString(split.seed()));
        source.put(TrainJob.SPLIT_VALIDATION, Integer.toString(split.validationUsers()));
        source.put(TrainJob.SPLIT_TEST, Integer.toString(split.testUsers()));
        source.put(TrainJob.MIN_HISTORY, Integer.toString(minHistory));
        return new TrainingData(interactions, dataSplit, source);
    }
}
