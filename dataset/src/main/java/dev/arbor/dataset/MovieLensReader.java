package dev.arbor.dataset;

import dev.arbor.progress.ProgressListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads the CSV MovieLens releases (ml-latest-small, ml-latest, ml-25m): {@code ratings.csv}
 * ({@code userId,movieId,rating,timestamp}, header) and {@code movies.csv} ({@code movieId,title,genres}, header,
 * quoted titles). An item's category is its first genre; {@code (no genres listed)} is a category like any other.
 */
public final class MovieLensReader {

    private MovieLensReader() {
    }

    /** {@link #read(Path, Path, ReadOptions, ProgressListener)} reporting nothing. */
    public static InteractionLog read(Path ratings, Path movies, ReadOptions options) throws IOException {
        return read(ratings, movies, options, ProgressListener.SILENT);
    }

    /**
     * Reads {@code ratings} and takes titles and categories from {@code movies}; each file's progress
     * and the skipped lines go to {@code progress}.
     */
    public static InteractionLog read(Path ratings, Path movies, ReadOptions options, ProgressListener progress)
            throws IOException {
        options.check(DataFormat.MOVIELENS, true, false);
        InteractionLogBuilder builder = new InteractionLogBuilder(true);
        BadLineBudget budget = new BadLineBudget(options.maxBadLines());
        LineParser.forEachLine(movies, StandardCharsets.UTF_8, budget, progress, p -> {
            p.splitCsv();
            if (p.isHeader()) {
                return;
            }
            p.expectFields(3);
            long movie = p.longField(0, "movieId");
            builder.title(movie, p.text(1));
            builder.category(movie, firstGenre(p, 2, "genres"));
        });
        LineParser.forEachLine(ratings, StandardCharsets.UTF_8, budget, progress, p -> {
            p.split(",");
            if (p.isHeader()) {
                return;
            }
            p.expectFields(4);
            long user = p.longField(0, "userId");
            long movie = p.longField(1, "movieId");
            double rating = p.doubleField(2, "rating");
            long timestamp = p.longField(3, "timestamp");
            if (rating >= options.minRating()) {
                builder.add(user, movie, timestamp);
            }
        });
        return builder.build(budget.finish(progress));
    }

    /** The first of the {@code |}-separated genres in field {@code i}; the MovieLens files share this layout. */
    static String firstGenre(LineParser p, int i, String name) throws DataFormatException {
        String genres = p.text(i);
        int bar = genres.indexOf('|');
        String first = (bar < 0 ? genres : genres.substring(0, bar)).strip();
        if (first.isEmpty()) {
            throw p.error("field '" + name + "' has an empty first genre: " + LineParser.quote(genres));
        }
        return first;
    }
}
