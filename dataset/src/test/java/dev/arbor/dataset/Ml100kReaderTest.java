package dev.arbor.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ml100kReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsASliceOfUData() throws IOException {
        Path source = TestData.shared("ml-100k");
        Path data = TestData.head(source.resolve("u.data"), dir.resolve("u.data"), 300);
        List<String[]> rows = Files.readAllLines(data).stream().map(l -> l.split("\t")).toList();
        Set<String> users = new HashSet<>();
        Set<String> items = new HashSet<>();
        rows.forEach(r -> {
            users.add(r[0]);
            items.add(r[1]);
        });

        InteractionLog log = Ml100kReader.read(data, source.resolve("u.item"), source.resolve("u.genre"),
                ReadOptions.DEFAULTS);

        assertEquals(300, log.size());
        assertEquals(users.size(), log.numUsers());
        assertEquals(items.size(), log.numItems());
        assertTrue(log.hasTimestamps() && log.hasTitles());
        assertEquals(Long.parseLong(rows.get(5)[3]), log.timestamps()[5]);
    }

    @Test
    void titlesAreLatin1AndCategoryIsTheFirstSetFlag() throws IOException {
        Path source = TestData.shared("ml-100k");
        Path data = TestData.write(dir, "u.data", "7\t543\t3\t891351772\n7\t1\t4\t891351773\n8\t267\t3\t891351774\n");

        InteractionLog log = Ml100kReader.read(data, source.resolve("u.item"), source.resolve("u.genre"),
                ReadOptions.DEFAULTS);

        int miserables = log.itemOrdinal(543);
        assertEquals("Misérables, Les (1995)", log.itemTitle(miserables));
        assertEquals("Drama", log.categoryName(log.itemCategory(miserables)));
        assertEquals("Animation", log.categoryName(log.itemCategory(log.itemOrdinal(1))));
        assertEquals("unknown", log.categoryName(log.itemCategory(log.itemOrdinal(267))));
    }

    @Test
    void handWrittenLatin1ItemFile() throws IOException {
        Path genre = TestData.write(dir, "u.genre", "unknown|0\nAction|1\nDrama|2\n\n");
        Path item = TestData.write(dir, "u.item", "1|Café (1990)|01-Jan-1990||url|0|0|1\n2|Nowhere (1991)||||0|0|0\n",
                StandardCharsets.ISO_8859_1);
        Path data = TestData.write(dir, "u.data", "1\t1\t5\t10\n1\t2\t1\t11\n");

        InteractionLog log = Ml100kReader.read(data, item, genre, ReadOptions.DEFAULTS.withMinRating(1));

        assertEquals("Café (1990)", log.itemTitle(0));
        assertEquals("Drama", log.categoryName(log.itemCategory(0)));
        assertEquals(InteractionLog.NO_CATEGORY, log.categoryName(log.itemCategory(1)));
        assertEquals(1, Ml100kReader.read(data, item, genre, ReadOptions.DEFAULTS.withMinRating(2)).size());
    }

    @Test
    void badGenreFlagAndFieldCount() throws IOException {
        Path genre = TestData.write(dir, "u.genre", "unknown|0\nAction|1\n");
        Path data = TestData.write(dir, "u.data", "1\t1\t5\t10\n");
        Path flag = TestData.write(dir, "flag.item", "1|A (1990)|||url|0|2\n");
        assertEquals(flag + ":1: field 'Action' is not 0 or 1: \"2\"", assertThrows(DataFormatException.class,
                () -> Ml100kReader.read(data, flag, genre, ReadOptions.DEFAULTS)).getMessage());

        Path count = TestData.write(dir, "count.item", "1|A (1990)|||url|0|1|0\n");
        assertEquals(count + ":1: expected 7 fields, found 8", assertThrows(DataFormatException.class,
                () -> Ml100kReader.read(data, count, genre, ReadOptions.DEFAULTS)).getMessage());

        Path item = TestData.write(dir, "u.item", "1|A (1990)|||url|0|1\n");
        Path badData = TestData.write(dir, "bad.data", "1\t1\t5\t10\n1 1 5 10\n");
        assertEquals(badData + ":2: expected 4 fields, found 1", assertThrows(DataFormatException.class,
                () -> Ml100kReader.read(badData, item, genre, ReadOptions.DEFAULTS)).getMessage());
    }

    @Test
    void genreIndexMustBeDense() throws IOException {
        Path genre = TestData.write(dir, "u.genre", "unknown|0\nAction|2\n");
        Path item = TestData.write(dir, "u.item", "");
        Path data = TestData.write(dir, "u.data", "");
        assertEquals(genre + ":2: field 'index' is 2, expected 1", assertThrows(DataFormatException.class,
                () -> Ml100kReader.read(data, item, genre, ReadOptions.DEFAULTS)).getMessage());
    }
}
