package dev.arbor.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InteractionLogsTest {

    @TempDir
    Path dir;

    @Test
    void fullBundledMovieLensSmall() throws IOException {
        InteractionLog log = InteractionLogs.read(TestData.bundledMovieLens(), DataFormat.MOVIELENS);

        assertEquals(610, log.numUsers());
        assertEquals(9_724, log.numItems());
        assertEquals(100_836, log.size());
        assertEquals(19, log.numCategories());
        assertTrue(log.hasTimestamps() && log.hasTitles() && log.hasCategories());
        int[] offsets = log.userOffsets();
        for (int u = 0; u < log.numUsers(); u++) {
            assertTrue(log.sequenceLength(u) >= 20, "every ml-latest-small user rated at least 20 movies");
        }
        assertEquals(log.size(), offsets[log.numUsers()]);

        DataSplit split = DataSplit.of(log, SplitOptions.withSeed(1));
        assertEquals(61, split.validation().size());
        assertEquals(61, split.test().size());
        assertEquals(488, split.trainUsers().length);
    }

    @Test
    void folderOrRatingsFileGiveTheSameLog() throws IOException {
        Path source = TestData.bundledMovieLens();
        Path ml = Files.createDirectory(dir.resolve("ml"));
        TestData.head(source.resolve("ratings.csv"), ml.resolve("ratings.csv"), 200);
        Files.copy(source.resolve("movies.csv"), ml.resolve("movies.csv"));

        InteractionLog fromFolder = InteractionLogs.read(ml, DataFormat.MOVIELENS);
        InteractionLog fromFile = InteractionLogs.read(ml.resolve("ratings.csv"), DataFormat.MOVIELENS,
                ReadOptions.DEFAULTS);

        assertEquals(199, fromFolder.size());
        assertEquals(fromFolder.toString(), fromFile.toString());
        assertEquals(Optional.of(DataFormat.MOVIELENS), DataFormat.detect(ml));
        assertEquals(Optional.of(DataFormat.MOVIELENS), DataFormat.detect(ml.resolve("ratings.csv")));
    }

    @Test
    void sharedDataSetFoldersResolveTheirFiles() throws IOException {
        Path ml100k = TestData.shared("ml-100k");
        Path ml1m = TestData.shared("ml-1m");
        assertEquals(Optional.of(DataFormat.ML_100K), DataFormat.detect(ml100k));
        assertEquals(Optional.of(DataFormat.ML_1M), DataFormat.detect(ml1m));

        // Small companion files, real layout: only the ratings are sliced.
        Path small100k = Files.createDirectory(dir.resolve("ml-100k"));
        TestData.head(ml100k.resolve("u.data"), small100k.resolve("u.data"), 100);
        Files.copy(ml100k.resolve("u.item"), small100k.resolve("u.item"));
        Files.copy(ml100k.resolve("u.genre"), small100k.resolve("u.genre"));
        assertEquals(100, InteractionLogs.read(small100k, DataFormat.ML_100K).size());

        Path small1m = Files.createDirectory(dir.resolve("ml-1m"));
        TestData.gzip(TestData.head(ml1m.resolve("ratings.csv.gz"), dir.resolve("r.csv"), 101),
                small1m.resolve("ratings.csv.gz"));
        Files.copy(ml1m.resolve("movies.dat"), small1m.resolve("movies.dat"));
        assertEquals(100, InteractionLogs.read(small1m, DataFormat.ML_1M).size());
    }

    @Test
    void taobaoFolderNeedsOneUnambiguousFile() throws IOException {
        Path taobao = Files.createDirectory(dir.resolve("taobao"));
        TestData.write(taobao, "a.csv", "1,2,3,pv,4\n");
        assertEquals(1, InteractionLogs.read(taobao, DataFormat.TAOBAO).size());

        TestData.write(taobao, "b.csv", "1,2,3,pv,4\n1,3,3,pv,5\n");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> InteractionLogs.read(taobao, DataFormat.TAOBAO));
        assertTrue(e.getMessage().contains("several CSV files [a.csv, b.csv]"), e.getMessage());

        TestData.write(taobao, "UserBehavior.csv", "1,2,3,pv,4\n1,3,3,pv,5\n1,4,3,pv,6\n");
        assertEquals(3, InteractionLogs.read(taobao, DataFormat.TAOBAO).size());
        assertEquals(Optional.of(DataFormat.TAOBAO), DataFormat.detect(taobao));
    }

    @Test
    void missingCompanionFilesAreNamed() throws IOException {
        Path ratings = TestData.write(dir, "ratings.csv", "userId,movieId,rating,timestamp\n");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> InteractionLogs.read(ratings, DataFormat.MOVIELENS));
        assertEquals(dir.resolve("movies.csv").toString(), e.getFile());
        assertThrows(NoSuchFileException.class, () -> InteractionLogs.read(dir, DataFormat.CSV));
        assertEquals(Optional.empty(), DataFormat.detect(dir.resolve("ratings.csv")));
    }

    @Test
    void formatsByName() {
        assertEquals(DataFormat.ML_100K, DataFormat.fromId("ml-100k"));
        assertEquals(DataFormat.ML_1M, DataFormat.fromId("ML_1M"));
        assertEquals(DataFormat.CSV, DataFormat.fromId("csv"));
        assertThrows(IllegalArgumentException.class, () -> DataFormat.fromId("parquet"));
        assertEquals(Behaviour.FAV, Behaviour.fromCode("fav"));
    }

    @Test
    void filtersAFormatCannotApplyAreRejected() throws IOException {
        Path csv = TestData.write(dir, "log.csv", "1,2\n");
        assertThrows(IllegalArgumentException.class,
                () -> InteractionLogs.read(csv, DataFormat.CSV, ReadOptions.DEFAULTS.withMinRating(3)));
        assertThrows(IllegalArgumentException.class, () -> InteractionLogs.read(csv, DataFormat.CSV,
                ReadOptions.DEFAULTS.withBehaviours(EnumSet.of(Behaviour.BUY))));
        assertThrows(IllegalArgumentException.class, () -> ReadOptions.DEFAULTS.withMaxBadLines(-1));
    }
}
