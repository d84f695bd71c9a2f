package dev.arbor.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

class Ml1mReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsAGzipSliceWithoutTimestamps() throws IOException {
        Path source = TestData.shared("ml-1m");
        Path plain = TestData.head(source.resolve("ratings.csv.gz"), dir.resolve("ratings.csv"), 301);
        Path gz = TestData.gzip(plain, dir.resolve("ratings.csv.gz"));
        List<String[]> rows = Files.readAllLines(plain).stream().skip(1).map(l -> l.split(",")).toList();
        Set<String> users = new HashSet<>();
        Set<String> items = new HashSet<>();
        rows.forEach(r -> {
            users.add(r[0]);
            items.add(r[1]);
        });

        InteractionLog log = Ml1mReader.read(gz, source.resolve("movies.dat"), ReadOptions.DEFAULTS);

        assertEquals(300, log.size());
        assertEquals(users.size(), log.numUsers());
        assertEquals(items.size(), log.numItems());
        assertFalse(log.hasTimestamps());
        assertNull(log.timestamps());
        assertTrue(log.hasTitles() && log.hasCategories());
        // Without timestamps a user's sequence keeps the file's order.
        int first = log.userOrdinal(Long.parseLong(rows.getFirst()[0]));
        int[] expected = rows.stream().filter(r -> r[0].equals(rows.getFirst()[0]))
                .mapToInt(r -> log.itemOrdinal(Long.parseLong(r[1]))).toArray();
        assertArrayEquals(expected, log.sequence(first));
    }

    @Test
    void moviesDatIsLatin1() throws IOException {
        Path source = TestData.shared("ml-1m");
        Path ratings = TestData.gzip(TestData.write(dir, "r.csv", "user_id,movie_id,rating\n8,73,4\n8,1,5\n"),
                dir.resolve("ratings.csv.gz"));

        InteractionLog log = Ml1mReader.read(ratings, source.resolve("movies.dat"), ReadOptions.DEFAULTS);

        int miserables = log.itemOrdinal(73);
        assertEquals("Misérables, Les (1995)", log.itemTitle(miserables));
        assertEquals("Drama", log.categoryName(log.itemCategory(miserables)));
        assertEquals("Animation", log.categoryName(log.itemCategory(log.itemOrdinal(1))));
    }

    @Test
    void badLinesInsideGzipAreNumberedAfterDecompression() throws IOException {
        Path movies = TestData.write(dir, "movies.dat", "1::A (1990)::Drama\n");
        Path ratings = TestData.gzip(TestData.write(dir, "r.csv", "user_id,movie_id,rating\n1,1,4\n1,1,five\n"),
                dir.resolve("ratings.csv.gz"));
        assertEquals(ratings + ":3: field 'rating' is not a number: \"five\"", assertThrows(DataFormatException.class,
                () -> Ml1mReader.read(ratings, movies, ReadOptions.DEFAULTS)).getMessage());

        Path badMovies = TestData.write(dir, "bad.dat", "1::A (1990)::Drama\n2::B (1991)\n");
        assertEquals(badMovies + ":2: expected 3 fields, found 2", assertThrows(DataFormatException.class,
                () -> Ml1mReader.read(ratings, badMovies, ReadOptions.DEFAULTS)).getMessage());
    }
}
