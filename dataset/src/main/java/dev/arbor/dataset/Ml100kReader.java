package dev.arbor.dataset;

import dev.arbor.progress.ProgressListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads MovieLens 100K: {@code u.data} ({@code user item rating timestamp}, tab-separated), {@code u.item}
 * ({@code |}-separated, latin-1, ending in one 0/1 flag per genre) and {@code u.genre} ({@code name|index}), which
 * names the flags. An item's category is its first set genre flag.
 */
public final class Ml100kReader {

    /** Columns of {@code u.item} before the genre flags: id, title, release date, video date, IMDb URL. */
    private static final int ITEM_COLUMNS = 5;

    private Ml100kReader() {
    }

    /** {@link #read(Path, Path, Path, ReadOptions, ProgressListener)} reporting nothing. */
    public static InteractionLog read(Path data, Path item, Path genre, ReadOptions options) throws IOException {
        return read(data, item, genre, options, ProgressListener.SILENT);
    }

    /**
     * Reads {@code data} ({@code u.data} or a split of it such as {@code u1.base}) with {@code item} and
     * {@code genre}; each file's progress and the skipped lines go to {@code progress}.
     */
    public static InteractionLog read(Path data, Path item, Path genre, ReadOptions options, ProgressListener progress)
            throws IOException {
        options.check(DataFormat.ML_100K, true, false);
        InteractionLogBuilder builder = new InteractionLogBuilder(true);
        BadLineBudget budget = new BadLineBudget(options.maxBadLines());
        List<String> genres = new ArrayList<>();
        LineParser.forEachLine(genre, StandardCharsets.ISO_8859_1, budget, progress, p -> {
            p.split("|");
            p.expectFields(2);
            long index = p.longField(1, "index");
            if (index != genres.size()) {
                throw p.error("field 'index' is " + index + ", expected " + genres.size());
            }
            genres.add(p.text(0));
        });
        LineParser.forEachLine(item, StandardCharsets.ISO_8859_1, budget, progress, p -> {
            p.split("|");
            p.expectFields(ITEM_COLUMNS + genres.size());
            long movie = p.longField(0, "movie id");
            String category = null;
            for (int g = 0; g < genres.size(); g++) {
                int column = ITEM_COLUMNS + g;
                boolean set = p.fieldEquals(column, "1");
                if (!set && !p.fieldEquals(column, "0")) {
                    throw p.error("field '" + genres.get(g) + "' is not 0 or 1: " + LineParser.quote(p.text(column)));
                }
                if (set && category == null) {
                    category = genres.get(g);
                }
            }
            builder.title(movie, p.text(1));
            if (category != null) {
                builder.category(movie, category);
            }
        });
        LineParser.forEachLine(data, StandardCharsets.ISO_8859_1, budget, progress, p -> {
            p.split("\t");
            p.expectFields(4);
            long user = p.longField(0, "user id");
            long movie = p.longField(1, "item id");
            double rating = p.doubleField(2, "rating");
            long timestamp = p.longField(3, "timestamp");
            if (rating >= options.minRating()) {
                builder.add(user, movie, timestamp);
            }
        });
        return builder.build(budget.finish(progress));
    }
}
