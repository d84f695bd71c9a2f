package dev.arbor.dataset;

import dev.arbor.progress.ProgressListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads a plain {@code user,item[,category[,timestamp]]} CSV (UTF-8, RFC 4180 quoting, plain or gzip). User and item
 * ids are integers; the category is any text (empty means none). A first line whose user and item fields are not
 * numbers is taken as a header. The first data line fixes the column count, and every other line must match it.
 */
public final class GenericCsvReader {

    /** Column count of the file, fixed by its first data line; 0 until then. */
    private int columns;
    /** Created at the first data line, which tells whether there is a timestamp column. */
    private InteractionLogBuilder builder;

    private GenericCsvReader() {
    }

    /** {@link #read(Path, ReadOptions, ProgressListener)} reporting nothing. */
    public static InteractionLog read(Path csv, ReadOptions options) throws IOException {
        return read(csv, options, ProgressListener.SILENT);
    }

    /** Reads {@code csv}; its progress and skipped lines go to {@code progress}. */
    public static InteractionLog read(Path csv, ReadOptions options, ProgressListener progress) throws IOException {
        options.check(DataFormat.CSV, false, false);
        BadLineBudget budget = new BadLineBudget(options.maxBadLines());
        GenericCsvReader reader = new GenericCsvReader();
        LineParser.forEachLine(csv, StandardCharsets.UTF_8, budget, progress, reader::line);
        InteractionLogBuilder b = reader.builder != null ? reader.builder : new InteractionLogBuilder(false);
        return b.build(budget.finish(progress));
    }

    private void line(LineParser p) throws DataFormatException {
        p.splitCsv();
        if (p.isHeader()) {
            return;
        }
        if (builder == null) {
            if (p.fieldCount() < 2 || p.fieldCount() > 4) {
                throw p.error("expected 2 to 4 fields (user,item[,category[,timestamp]]), found " + p.fieldCount());
            }
            columns = p.fieldCount();
            builder = new InteractionLogBuilder(columns == 4);
        }
        p.expectFields(columns);
        long user = p.longField(0, "user");
        long item = p.longField(1, "item");
        if (columns == 4) {
            builder.add(user, item, p.longField(3, "timestamp"));
        } else {
            builder.add(user, item);
        }
        if (columns >= 3 && !p.text(2).isBlank()) {
            builder.category(item, p.text(2).strip());
        }
    }
}
