package dev.arbor.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLensReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsASliceOfTheBundledRatings() throws IOException {
        Path source = TestData.bundledMovieLens();
        Path ratings = TestData.head(source.resolve("ratings.csv"), dir.resolve("ratings.csv"), 301);
        List<String[]> rows = Files.readAllLines(ratings).stream().skip(1).map(l -> l.split(",")).toList();
        Set<String> users = new HashSet<>();
        Set<String> items = new HashSet<>();
        rows.forEach(r -> {
            users.add(r[0]);
            items.add(r[1]);
        });

        InteractionLog log = MovieLensReader.read(ratings, source.resolve("movies.csv"), ReadOptions.DEFAULTS);

        assertEquals(300, log.size());
        assertEquals(users.size(), log.numUsers());
        assertEquals(items.size(), log.numItems());
        assertTrue(log.hasTimestamps() && log.hasTitles() && log.hasCategories());
        int toyStory = log.itemOrdinal(1);
        assertEquals("Toy Story (1995)", log.itemTitle(toyStory));
        assertEquals("Adventure", log.categoryName(log.itemCategory(toyStory)));
        assertEquals(-1, log.itemOrdinal(999_999_999));
        assertEquals(964_982_703L, log.timestamps()[0]);
    }

    @Test
    void minRatingDropsLowerRatings() throws IOException {
        Path source = TestData.bundledMovieLens();
        Path ratings = TestData.head(source.resolve("ratings.csv"), dir.resolve("ratings.csv"), 301);
        long kept = Files.readAllLines(ratings).stream().skip(1)
                .filter(l -> Double.parseDouble(l.split(",")[2]) >= 4.0).count();

        InteractionLog log = MovieLensReader.read(ratings, source.resolve("movies.csv"),
                ReadOptions.DEFAULTS.withMinRating(4.0));

        assertTrue(kept > 0 && kept < 300);
        assertEquals(kept, log.size());
    }

    @Test
    void quotedTitlesAndNoGenresListed() throws IOException {
        Path movies = TestData.write(dir, "movies.csv", """
                movieId,title,genres
                11,"American President, The (1995)",Comedy|Drama|Romance
                7789,"11'09""01 - September 11 (2002)",Drama
                114335,La cravate (1957),(no genres listed)
                5,Unrated (2000),Horror
                """);
        Path ratings = TestData.write(dir, "ratings.csv", """
                userId,movieId,rating,timestamp
                1,11,4.0,10
                1,7789,3.5,11
                2,114335,5.0,9
                """);

        InteractionLog log = MovieLensReader.read(ratings, movies, ReadOptions.DEFAULTS);

        assertEquals("American President, The (1995)", log.itemTitle(log.itemOrdinal(11)));
        assertEquals("11'09\"01 - September 11 (2002)", log.itemTitle(log.itemOrdinal(7789)));
        assertEquals("(no genres listed)", log.categoryName(log.itemCategory(log.itemOrdinal(114335))));
        // Only genres of rated movies become categories: Horror (movie 5, unrated) does not.
        assertEquals(3, log.numCategories());
        assertEquals(List.of("Comedy", "Drama", "(no genres listed)"),
                List.of(log.categoryName(0), log.categoryName(1), log.categoryName(2)));
    }

    @Test
    void moviesMissingFromMoviesCsvGetNoCategory() throws IOException {
        Path movies = TestData.write(dir, "movies.csv", "movieId,title,genres\n1,A (1990),Drama\n");
        Path ratings = TestData.write(dir, "ratings.csv", "userId,movieId,rating,timestamp\n1,1,4,1\n1,2,4,2\n");
        InteractionLog log = MovieLensReader.read(ratings, movies, ReadOptions.DEFAULTS);
        assertEquals(InteractionLog.NO_CATEGORY, log.categoryName(log.itemCategory(log.itemOrdinal(2))));
        assertEquals(null, log.itemTitle(log.itemOrdinal(2)));
        assertEquals(2, log.numCategories());
    }

    @Test
    void badTimestampNamesFileLineAndField() throws IOException {
        StringBuilder text = new StringBuilder("userId,movieId,rating,timestamp\n");
        for (int i = 2; i < 17; i++) {
            text.append("1,").append(i).append(",4.0,").append(1000 + i).append('\n');
        }
        text.append("1,17,4.0,abc\n");
        Path ratings = TestData.write(dir, "ratings.csv", text.toString());
        Path movies = TestData.write(dir, "movies.csv", "movieId,title,genres\n");

        DataFormatException e = assertThrows(DataFormatException.class,
                () -> MovieLensReader.read(ratings, movies, ReadOptions.DEFAULTS));

        assertEquals(ratings + ":17: field 'timestamp' is not a number: \"abc\"", e.getMessage());
    }

    @Test
    void badMoviesLineIsReportedInMoviesCsv() throws IOException {
        Path movies = TestData.write(dir, "movies.csv", "movieId,title,genres\n1,A (1990),Drama\n2,B (1991)\n");
        Path ratings = TestData.write(dir, "ratings.csv", "userId,movieId,rating,timestamp\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> MovieLensReader.read(ratings, movies, ReadOptions.DEFAULTS));
        assertEquals(movies + ":3: expected 3 fields, found 2", e.getMessage());
    }
}
