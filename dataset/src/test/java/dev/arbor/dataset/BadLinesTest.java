package dev.arbor.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadLinesTest {

    @TempDir
    Path dir;

    @Test
    void upToMaxBadLinesAreSkippedAndReported() throws Exception {
        Path movies = TestData.write(dir, "movies.csv", "movieId,title,genres\n1,A (1990),Drama\nx,B (1991),Drama\n");
        Path ratings = TestData.write(dir, "ratings.csv", """
                userId,movieId,rating,timestamp
                1,1,4.0,10
                1,1,4.0
                2,1,4.0,11
                """);
        InteractionLog[] log = new InteractionLog[1];

        String messages = TestData.messagesOf(progress -> log[0] = MovieLensReader.read(ratings, movies,
                ReadOptions.DEFAULTS.withMaxBadLines(2), progress));

        // The budget covers the whole read, movies.csv and ratings.csv together.
        assertEquals(List.of(
                new BadLine(movies, 3, "field 'movieId' is not a number: \"x\""),
                new BadLine(ratings, 3, "expected 4 fields, found 3")), log[0].badLines());
        assertEquals(2, log[0].size());
        assertTrue(messages.startsWith("skipped 2 malformed lines (maxBadLines=2):"), messages);
        assertTrue(messages.contains(movies + ":3: field 'movieId' is not a number: \"x\""), messages);
        assertTrue(messages.contains(ratings + ":3: expected 4 fields, found 3"), messages);
    }

    @Test
    void theLineAfterTheBudgetIsAnError() throws Exception {
        // Names are ids, so the bad lines are a short line and one whose item is empty.
        Path csv = TestData.write(dir, "log.csv", "1,2\n1\n1,3\n1, \n1,4\n");

        DataFormatException e = assertThrows(DataFormatException.class,
                () -> GenericCsvReader.read(csv, ReadOptions.DEFAULTS.withMaxBadLines(1)));

        assertEquals(csv + ":4: field 'item' is empty (more than maxBadLines=1 bad lines)", e.getMessage());
        assertEquals(4, e.line());
    }

    @Test
    void cleanSmallReadsPrintNothing() throws Exception {
        Path csv = TestData.write(dir, "log.csv", "1,2\n1,3\n");
        InteractionLog[] log = new InteractionLog[1];
        String messages = TestData.messagesOf(progress -> log[0] = GenericCsvReader.read(csv,
                ReadOptions.DEFAULTS.withMaxBadLines(5), progress));
        assertEquals("", messages);
        assertEquals(List.of(), log[0].badLines());
    }

    @Test
    void longSummariesAreCut() throws Exception {
        StringBuilder text = new StringBuilder("1,2\n");
        for (int i = 0; i < 15; i++) {
            text.append("1,2,3\n");
        }
        Path csv = TestData.write(dir, "log.csv", text.toString());
        String messages = TestData.messagesOf(progress -> GenericCsvReader.read(csv,
                ReadOptions.DEFAULTS.withMaxBadLines(20), progress));
        assertEquals(12, messages.lines().count(), messages);
        assertTrue(messages.strip().endsWith("... and 5 more"), messages);
    }
}
