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
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaobaoReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsASliceOfTheRealFileAsAnIndependentParseDoes() throws IOException {
        Path slice = TestData.head(TestData.shared("taobao-userbehavior").resolve("head84k.csv"),
                dir.resolve("head.csv"), 400);
        List<String[]> rows = Files.readAllLines(slice).stream().map(l -> l.split(",")).toList();
        Set<Long> users = new LinkedHashSet<>();
        Map<Long, String> categories = new LinkedHashMap<>();
        for (String[] r : rows) {
            users.add(Long.parseLong(r[0]));
            categories.putIfAbsent(Long.parseLong(r[1]), r[2]);
        }

        InteractionLog log = TaobaoReader.read(slice, ReadOptions.DEFAULTS);

        assertEquals(rows.size(), log.size());
        assertEquals(users.size(), log.numUsers());
        assertEquals(categories.size(), log.numItems());
        assertEquals(Set.copyOf(categories.values()).size(), log.numCategories());
        assertTrue(log.hasTimestamps());
        assertTrue(log.hasCategories());
        assertFalse(log.hasTitles());
        assertNull(log.itemTitle(0));
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            assertEquals(Long.parseLong(r[0]), log.userIds()[log.userOrdinals()[i]]);
            assertEquals(Long.parseLong(r[1]), log.itemIds()[log.itemOrdinals()[i]]);
            assertEquals(Long.parseLong(r[4]), log.timestamps()[i]);
        }
        categories.forEach((item, category) ->
                assertEquals(category, log.categoryName(log.itemCategory(log.itemOrdinal(item)))));

        // The first user's sequence is their items in time order (stable for equal timestamps).
        long firstUser = Long.parseLong(rows.getFirst()[0]);
        int[] expected = rows.stream().filter(r -> Long.parseLong(r[0]) == firstUser)
                .sorted(Comparator.comparingLong(r -> Long.parseLong(r[4])))
                .mapToInt(r -> log.itemOrdinal(Long.parseLong(r[1]))).toArray();
        assertArrayEquals(expected, log.sequence(log.userOrdinal(firstUser)));
    }

    @Test
    void keepsOnlyTheChosenBehaviours() throws IOException {
        Path slice = TestData.head(TestData.shared("taobao-userbehavior").resolve("head84k.csv"),
                dir.resolve("head.csv"), 2000);
        long expected = Files.readAllLines(slice).stream()
                .filter(l -> l.contains(",buy,") || l.contains(",cart,")).count();

        InteractionLog log = TaobaoReader.read(slice,
                ReadOptions.DEFAULTS.withBehaviours(EnumSet.of(Behaviour.BUY, Behaviour.CART)));

        assertTrue(expected > 0);
        assertEquals(expected, log.size());
    }

    @Test
    void tailFileMatchesTheReadme() throws IOException {
        InteractionLog log = TaobaoReader.read(TestData.shared("taobao-userbehavior").resolve("tail10k.csv"),
                ReadOptions.DEFAULTS);
        assertEquals(10_000, log.size());
        assertEquals(114, log.numUsers());
        assertEquals(7_623, log.numItems());
        assertEquals(1_096, log.numCategories());
    }

    @Test
    void unknownBehaviourNamesTheField() throws IOException {
        Path file = TestData.write(dir, "ub.csv", "1,2,3,pv,100\n1,2,3,click,101\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> TaobaoReader.read(file, ReadOptions.DEFAULTS));
        assertEquals(file + ":2: field 'behavior_type' is not one of pv, cart, fav, buy: \"click\"", e.getMessage());
        assertEquals(2, e.line());
        assertEquals(file, e.path());
    }

    @Test
    void wrongFieldCountAndBadIds() throws IOException {
        Path short_ = TestData.write(dir, "short.csv", "1,2,3,pv,100\n1,2,3,pv\n");
        assertEquals(short_ + ":2: expected 5 fields, found 4", assertThrows(DataFormatException.class,
                () -> TaobaoReader.read(short_, ReadOptions.DEFAULTS)).getMessage());

        Path badItem = TestData.write(dir, "item.csv", "1,x2,3,pv,100\n");
        assertEquals(badItem + ":1: field 'item_id' is not a number: \"x2\"", assertThrows(DataFormatException.class,
                () -> TaobaoReader.read(badItem, ReadOptions.DEFAULTS)).getMessage());
    }

    @Test
    void rejectsARatingFilter() {
        assertThrows(IllegalArgumentException.class,
                () -> TaobaoReader.read(dir.resolve("unused.csv"), ReadOptions.DEFAULTS.withMinRating(3)));
    }
}
