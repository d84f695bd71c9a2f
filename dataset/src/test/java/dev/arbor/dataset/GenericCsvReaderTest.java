package dev.arbor.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.ExternalIds;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenericCsvReaderTest {

    @TempDir
    Path dir;

    @Test
    void headerIsDetectedAndAllFourColumnsRead() throws IOException {
        Path csv = TestData.write(dir, "log.csv", """
                user,item,category,timestamp
                7,100,"Books, used",30
                7,200,Toys,10
                8,100,Ignored,20
                7,300,Toys,10
                """);

        InteractionLog log = GenericCsvReader.read(csv, ReadOptions.DEFAULTS);

        assertEquals(4, log.size());
        assertEquals(2, log.numUsers());
        assertTrue(log.hasTimestamps());
        assertEquals("Books, used", log.categoryName(log.itemCategory(log.itemOrdinal(100))));
        assertEquals("Toys", log.categoryName(log.itemCategory(log.itemOrdinal(300))));
        assertEquals(2, log.numCategories());
        // Time order; the two items at t=10 keep their input order.
        assertArrayEquals(new int[] {log.itemOrdinal(200), log.itemOrdinal(300), log.itemOrdinal(100)},
                log.sequence(log.userOrdinal(7)));
    }

    @Test
    void withoutHeaderTwoColumns() throws IOException {
        Path csv = TestData.write(dir, "log.csv", "1,10\n1,11\n2,10\n");

        InteractionLog log = GenericCsvReader.read(csv, ReadOptions.DEFAULTS);

        assertEquals(3, log.size());
        assertFalse(log.hasTimestamps());
        assertFalse(log.hasCategories());
        assertEquals(1, log.numCategories());
        assertEquals(InteractionLog.NO_CATEGORY, log.categoryName(0));
    }

    @Test
    void threeColumnsHaveCategoriesButNoTimestamps() throws IOException {
        Path csv = TestData.write(dir, "log.csv", "u,i,c\n1,10,a\n1,11,\n");
        InteractionLog log = GenericCsvReader.read(csv, ReadOptions.DEFAULTS);
        assertFalse(log.hasTimestamps());
        assertTrue(log.hasCategories());
        assertEquals("a", log.categoryName(log.itemCategory(0)));
        assertEquals(InteractionLog.NO_CATEGORY, log.categoryName(log.itemCategory(1)));
    }

    @Test
    void aNamedItemOnTheFirstLineIsDataNotAHeader() throws IOException {
        Path csv = TestData.write(dir, "log.csv", "1,abc\n");
        InteractionLog log = GenericCsvReader.read(csv, ReadOptions.DEFAULTS);
        assertEquals(1, log.size());
        assertEquals("abc", log.itemName(log.itemOrdinal(ExternalIds.nameId("abc"))));
    }

    @Test
    void stringUserAndItemIdsAreNamesWithDerivedIds() throws IOException {
        Path csv = TestData.write(dir, "log.csv", """
                u1,i1
                u1,B000123
                u2,i1
                u2,42
                """);

        InteractionLog log = GenericCsvReader.read(csv, ReadOptions.DEFAULTS);

        assertEquals(4, log.size());
        assertEquals(2, log.numUsers());
        assertEquals(3, log.numItems());
        assertTrue(log.hasItemNames());
        int i1 = log.itemOrdinal(ExternalIds.nameId("i1"));
        assertEquals("i1", log.itemName(i1));
        assertEquals("B000123", log.itemName(log.itemOrdinal(ExternalIds.nameId("B000123"))));
        // An id that reads as an integer is that integer, named or not by its neighbours.
        assertEquals(null, log.itemName(log.itemOrdinal(42)));
        assertArrayEquals(new int[] {i1, log.itemOrdinal(42)}, log.sequence(log.userOrdinal(ExternalIds.nameId("u2"))));
    }

    @Test
    void aFileOfNamesKeepsItsFirstLineUnlessItNamesTheColumns() throws IOException {
        Path data = TestData.write(dir, "data.csv", "u1,i1,Books\nu1,i2,Toys\n");
        InteractionLog log = GenericCsvReader.read(data, ReadOptions.DEFAULTS);
        assertEquals(2, log.size());
        assertEquals("Books", log.categoryName(log.itemCategory(log.itemOrdinal(ExternalIds.nameId("i1")))));

        Path header = TestData.write(dir, "header.csv", "user_id,item_id,category\nu1,i1,Books\nu1,i2,Toys\n");
        assertEquals(2, GenericCsvReader.read(header, ReadOptions.DEFAULTS).size());
        // A header named otherwise, before integer ids or a malformed line, is still a header.
        Path numeric = TestData.write(dir, "numeric.csv", "customer,sku\n1,10\n");
        assertEquals(1, GenericCsvReader.read(numeric, ReadOptions.DEFAULTS).size());
        Path malformed = TestData.write(dir, "malformed.csv", "customer,sku\nx\nu1,i1\n");
        InteractionLog afterBadLine = GenericCsvReader.read(malformed, ReadOptions.DEFAULTS.withMaxBadLines(1));
        assertEquals(1, afterBadLine.size());
        assertEquals(-1, afterBadLine.itemOrdinal(ExternalIds.nameId("sku")));

        // Four columns: a timestamp that is not an integer makes the first line a header, whatever it is called.
        Path stamped = TestData.write(dir, "stamped.csv", "customer,sku,cat,ts\nu1,i1,a,5\nu1,i2,b,6\n");
        assertEquals(2, GenericCsvReader.read(stamped, ReadOptions.DEFAULTS).size());
        Path stampedData = TestData.write(dir, "stamped-data.csv", "u1,i1,a,5\nu1,i2,b,6\n");
        assertEquals(2, GenericCsvReader.read(stampedData, ReadOptions.DEFAULTS).size());
    }

    @Test
    void anIntegerIdThatIsANamesIdIsRefusedNamingTheLine() throws IOException {
        long clash = ExternalIds.nameId("i1");
        Path csv = TestData.write(dir, "log.csv", "1,i1\n2," + clash + "\n");
        assertEquals(csv + ":2: item \"i1\" and item " + clash + " come to the same 64-bit id " + clash
                + "; rename one", assertThrows(DataFormatException.class,
                () -> GenericCsvReader.read(csv, ReadOptions.DEFAULTS)).getMessage());
        Path integerFirst = TestData.write(dir, "first.csv", "1," + clash + "\nu2,i1\n");
        assertEquals(integerFirst + ":2: item " + clash + " and item \"i1\" come to the same 64-bit id " + clash
                + "; rename one", assertThrows(DataFormatException.class,
                () -> GenericCsvReader.read(integerFirst, ReadOptions.DEFAULTS)).getMessage());
        // With a bad line allowed, the refused interaction leaves neither its user nor its item behind.
        InteractionLog log = GenericCsvReader.read(integerFirst, ReadOptions.DEFAULTS.withMaxBadLines(1));
        assertEquals(1, log.numUsers());
        assertEquals(1, log.numItems());
    }

    @Test
    void anEmptyIdIsAnErrorNamingTheField() throws IOException {
        Path csv = TestData.write(dir, "log.csv", "1,10\n,11\n");
        assertEquals(csv + ":2: field 'user' is empty", assertThrows(DataFormatException.class,
                () -> GenericCsvReader.read(csv, ReadOptions.DEFAULTS)).getMessage());
        Path first = TestData.write(dir, "first.csv", " ,i1\nu2,i2\n");
        assertEquals(first + ":1: field 'user' is empty", assertThrows(DataFormatException.class,
                () -> GenericCsvReader.read(first, ReadOptions.DEFAULTS)).getMessage());
    }

    @Test
    void everyLineMustHaveTheFirstLinesColumnCount() throws IOException {
        Path csv = TestData.write(dir, "log.csv", "user,item\n1,10\n1,11,x\n");
        assertEquals(csv + ":3: expected 2 fields, found 3", assertThrows(DataFormatException.class,
                () -> GenericCsvReader.read(csv, ReadOptions.DEFAULTS)).getMessage());

        Path wide = TestData.write(dir, "wide.csv", "1,2,3,4,5\n");
        assertEquals(wide + ":1: expected 2 to 4 fields (user,item[,category[,timestamp]]), found 5",
                assertThrows(DataFormatException.class, () -> GenericCsvReader.read(wide, ReadOptions.DEFAULTS))
                        .getMessage());
    }

    @Test
    void headerOnlyGivesAnEmptyLog() throws IOException {
        Path csv = TestData.write(dir, "log.csv", "user,item\n");
        InteractionLog log = GenericCsvReader.read(csv, ReadOptions.DEFAULTS);
        assertEquals(0, log.size());
        assertEquals(0, log.numUsers());
    }
}
