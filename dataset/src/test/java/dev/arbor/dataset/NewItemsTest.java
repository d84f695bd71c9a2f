package dev.arbor.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.ExternalIds;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewItemsTest {

    @TempDir
    Path dir;

    @Test
    void readsCategoriesEmbeddingsAndBoth() throws IOException {
        Path file = TestData.write(dir, "new.csv", """
                id,category,embedding
                501,Comedy
                502,,0.5 -1 2e-1

                503,"Sci-Fi, old",1 2 3
                """);

        NewItems items = NewItems.read(file);

        assertEquals(3, items.items().size());
        NewItems.Item comedy = items.items().get(0);
        assertEquals(501, comedy.id());
        assertEquals("Comedy", comedy.category());
        assertNull(comedy.embedding());
        assertEquals(2, comedy.line());
        NewItems.Item vector = items.items().get(1);
        assertNull(vector.category());
        assertArrayEquals(new float[] {0.5f, -1f, 0.2f}, vector.embedding());
        assertEquals("Sci-Fi, old", items.items().get(2).category());
        assertEquals(5, items.items().get(2).line());
    }

    @Test
    void errorsNameTheFileTheLineAndTheField() throws IOException {
        fails("1,Comedy\n ,Drama\n", ":2: field 'id' is empty");
        fails("1,Comedy\n2,,0.5 NaN\n", ":2: field 'embedding' value 2 is not a finite number: \"NaN\"");
        fails("1,Comedy\n2,,1 1e99\n", ":2: field 'embedding' value 2 is not a finite number");
        fails("1,Comedy\n2,,\n", ":2: field 'category' and field 'embedding' are both empty");
        fails("1\n", ":1: expected 2 or 3 fields");
        fails("1,a,1 2,extra\n", ":1: expected 2 or 3 fields");
    }

    @Test
    void anIdThatIsNotAnIntegerIsANameWithItsDerivedId() throws IOException {
        NewItems items = NewItems.read(TestData.write(dir, "named.csv", "x2,Drama\n12,Drama\n"));
        assertEquals("x2", items.items().get(0).name());
        assertEquals(ExternalIds.nameId("x2"), items.items().get(0).id());
        assertEquals("x2", items.items().get(0).idText());
        assertEquals(null, items.items().get(1).name());
        assertEquals(12, items.items().get(1).id());
    }

    @Test
    void laterChecksAgainstTheIndexNameTheLineToo() throws IOException {
        NewItems items = NewItems.read(TestData.write(dir, "ok.csv", "7,Comedy\n8,Drama\n"));
        DataFormatException e = items.error(items.items().get(1), NewItems.CATEGORY, "is unknown");
        assertEquals(dir.resolve("ok.csv") + ":2: field 'category' is unknown", e.getMessage());
    }

    private void fails(String content, String expected) throws IOException {
        Path file = TestData.write(dir, "bad.csv", content);
        DataFormatException e = assertThrows(DataFormatException.class, () -> NewItems.read(file));
        assertTrue(e.getMessage().startsWith(file + expected), e.getMessage());
    }
}
