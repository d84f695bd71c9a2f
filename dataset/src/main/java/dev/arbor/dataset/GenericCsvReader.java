package dev.arbor.dataset;

import dev.arbor.format.ExternalIds;
import dev.arbor.progress.ProgressListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a plain {@code user,item[,category[,timestamp]]} CSV (UTF-8, RFC 4180 quoting, plain or gzip). User and item
 * ids are integers or names such as {@code u1} or an ASIN, by the rule of {@link ExternalIds}: a field that reads as
 * an integer is that integer, any other text is a name. The category is any text (empty means none). The first data
 * line fixes the column count, and every other line must match it.
 *
 * <p>A first line whose user and item fields are both not integers is a header when it names its columns (its user
 * field starts with {@code user} and its item field with {@code item}, in any case) or cannot be data (a field count
 * other than 2 to 4, a timestamp that is not an integer). Otherwise the line after it decides: the first line is data,
 * the first interaction of a file of names, when that line has a user and an item and one of them is a name; it is a
 * header when that line has integer user and item fields (a file of integer ids, whatever its header says), when it
 * is malformed, or when there is none.
 */
public final class GenericCsvReader {

    /** Column count of the file, fixed by its first data line; 0 until then. */
    private int columns;
    /** Created at the first data line, which tells whether there is a timestamp column. */
    private InteractionLogBuilder builder;
    /** The first line while the second has yet to tell whether it is a header; null otherwise. */
    private FirstLine undecided;
    private final BadLineBudget budget;

    /** A first line that may be a header or data: its user, item, category (or null) and timestamp fields. */
    private record FirstLine(long line, int fieldCount, String user, String item, String category, long timestamp) {
    }

    private GenericCsvReader(BadLineBudget budget) {
        this.budget = budget;
    }

    /** {@link #read(Path, ReadOptions, ProgressListener)} reporting nothing. */
    public static InteractionLog read(Path csv, ReadOptions options) throws IOException {
        return read(csv, options, ProgressListener.SILENT);
    }

    /** Reads {@code csv}; its progress and skipped lines go to {@code progress}. */
    public static InteractionLog read(Path csv, ReadOptions options, ProgressListener progress) throws IOException {
        options.check(DataFormat.CSV, false, false);
        BadLineBudget budget = new BadLineBudget(options.maxBadLines());
        GenericCsvReader reader = new GenericCsvReader(budget);
        LineParser.forEachLine(csv, StandardCharsets.UTF_8, budget, progress, reader::line);
        InteractionLogBuilder b = reader.builder != null ? reader.builder : new InteractionLogBuilder(false);
        return b.build(budget.finish(progress));
    }

    private void line(LineParser p) throws DataFormatException {
        p.splitCsv();
        if (p.isFirstLine() && !p.isLong(0) && (p.fieldCount() < 2 || !p.isLong(1))) {
            int n = p.fieldCount();
            if (n >= 2 && n <= 4 && (n < 4 || p.isLong(3)) && !namesColumns(p)) {
                undecided = new FirstLine(p.lineNumber(), n, p.text(0), p.text(1), n >= 3 ? p.text(2) : null,
                        n == 4 ? p.longField(3, "timestamp") : 0);
            }
            return;
        }
        if (undecided != null) {
            FirstLine first = undecided;
            undecided = null;
            if (p.fieldCount() >= 2 && !(p.isLong(0) && p.isLong(1))) {
                try {
                    addFirst(first, p);
                } catch (DataFormatException e) {
                    budget.skip(e);
                }
            }
        }
        begin(p.fieldCount(), p);
        p.expectFields(columns);
        long timestamp = columns == 4 ? p.longField(3, "timestamp") : 0;
        long item;
        if (p.isLong(0) && p.isLong(1)) {
            long user = p.longField(0, "user");
            item = p.longField(1, "item");
            try {
                if (columns == 4) {
                    builder.add(user, item, timestamp);
                } else {
                    builder.add(user, item);
                }
            } catch (IllegalArgumentException e) {
                throw p.error(e.getMessage()); // an integer id that a name's id has taken
            }
        } else {
            item = add(p, p.lineNumber(), p.text(0), p.text(1), timestamp);
        }
        if (columns >= 3 && !p.text(2).isBlank()) {
            builder.category(item, p.text(2).strip());
        }
    }

    /** The first line, found to be data once the second line has been read. */
    private void addFirst(FirstLine first, LineParser p) throws DataFormatException {
        begin(first.fieldCount(), p);
        long item = add(p, first.line(), first.user(), first.item(), first.timestamp());
        if (first.category() != null && !first.category().isBlank()) {
            builder.category(item, first.category().strip());
        }
    }

    /** Fixes the column count and creates the builder at the first data line. */
    private void begin(int fieldCount, LineParser p) throws DataFormatException {
        if (builder != null) {
            return;
        }
        if (fieldCount < 2 || fieldCount > 4) {
            throw p.error("expected 2 to 4 fields (user,item[,category[,timestamp]]), found " + fieldCount);
        }
        columns = fieldCount;
        builder = new InteractionLogBuilder(columns == 4);
    }

    /**
     * Adds an interaction of ids given as text; returns the item's id. An empty id, or one that comes to another's
     * 64-bit id, is an error of line {@code line}.
     */
    private long add(LineParser p, long line, String user, String item, long timestamp) throws DataFormatException {
        if (user.isBlank() || item.isBlank()) {
            throw p.errorAt(line, "field '" + (user.isBlank() ? "user" : "item") + "' is empty");
        }
        try {
            if (columns == 4) {
                builder.add(user, item, timestamp);
            } else {
                builder.add(user, item);
            }
        } catch (IllegalArgumentException e) {
            throw p.errorAt(line, e.getMessage());
        }
        return ExternalIds.parse(item);
    }

    /** Whether a first line names its columns: its user field starts with "user", its item field with "item". */
    private static boolean namesColumns(LineParser p) {
        return p.text(0).strip().toLowerCase(Locale.ROOT).startsWith("user")
                && p.text(1).strip().toLowerCase(Locale.ROOT).startsWith("item");
    }
}
