package dev.arbor.dataset;

import dev.arbor.format.ExternalIds;
import dev.arbor.progress.ProgressListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The items file of {@code arbor add-items}: one new item per line, as CSV (UTF-8, RFC 4180 quoting, plain or gzip)
 * {@code id,category[,embedding]}. The id is an integer; the category is a name the index knows, or empty; the
 * embedding is the item's vector in the index's leaf-embedding space, numbers separated by spaces, or empty. A line
 * needs a category or an embedding (or both: the embedding places the item, the category is recorded). A first line
 * whose id is not a number is a header. Errors name the file, the line and the field; every line is checked, none is
 * skipped.
 *
 * @param path  the file, for errors found later against the index ({@link #error})
 * @param items the lines in file order
 */
public record NewItems(Path path, List<Item> items) {

    /**
     * One line.
     *
     * @param id        the item's external id ({@code format.ExternalIds}: the integer, or its name's id)
     * @param name      its name when the id is not an integer, else null
     * @param category  its category's name, or null for none
     * @param embedding its leaf embedding, or null for none
     * @param line      the 1-based line number, for errors
     */
    public record Item(long id, String name, String category, float[] embedding, long line) {
        /** The id as the file wrote it: the name, or the integer. */
        public String idText() {
            return name != null ? name : Long.toString(id);
        }
    }

    /** Field names, as the errors call them. */
    public static final String ID = "id", CATEGORY = "category", EMBEDDING = "embedding";

    public NewItems {
        items = List.copyOf(items);
    }

    /** Reads {@code path}; a malformed line fails the read with a {@code path:line: field ...} message. */
    public static NewItems read(Path path) throws IOException {
        List<Item> items = new ArrayList<>();
        LineParser.forEachLine(path, StandardCharsets.UTF_8, new BadLineBudget(0), ProgressListener.SILENT, p -> {
            p.splitCsv();
            // Ids may be names, so a header is recognised by its first column's name, not by its not being a number.
            if (p.isFirstLine() && p.text(0).strip().equalsIgnoreCase(ID)) {
                return;
            }
            if (p.fieldCount() < 2 || p.fieldCount() > 3) {
                throw p.error("expected 2 or 3 fields (" + ID + "," + CATEGORY + "[," + EMBEDDING + "]), found "
                        + p.fieldCount());
            }
            String idText = p.text(0).strip();
            if (idText.isEmpty()) {
                throw p.error("field '" + ID + "' is empty");
            }
            boolean integer = ExternalIds.isInteger(idText);
            if (!integer && !ExternalIds.isName(idText)) {
                throw p.error("field '" + ID + "' is not an id: " + idText);
            }
            long id = ExternalIds.parse(idText);
            String category = p.text(1).strip();
            float[] embedding = p.fieldCount() == 3 ? p.vectorField(2, EMBEDDING) : new float[0];
            if (category.isEmpty() && embedding.length == 0) {
                throw p.error("field '" + CATEGORY + "' and field '" + EMBEDDING + "' are both empty: the item needs one"
                        + " to be placed by");
            }
            items.add(new Item(id, integer ? null : idText, category.isEmpty() ? null : category,
                    embedding.length == 0 ? null : embedding,
                    p.lineNumber()));
        });
        return new NewItems(path, items);
    }

    /** A {@code path:line: field 'name' reason} error about {@code item}, for checks against the index. */
    public DataFormatException error(Item item, String field, String reason) {
        return new DataFormatException(path, item.line(), "field '" + field + "' " + reason);
    }
}
