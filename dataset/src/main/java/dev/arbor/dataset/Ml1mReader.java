package dev.arbor.dataset;

import dev.arbor.progress.ProgressListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads MovieLens 1M as shipped in the shared data folder: {@code ratings.csv.gz} ({@code user_id,movie_id,rating},
 * header, gzip) and {@code movies.dat} ({@code MovieID::Title::Genres}, latin-1). The ratings have no timestamps
 * and their row order is not time order, so the log has no timestamps and the split shuffles instead.
 */
public final class Ml1mReader {

    private Ml1mReader() {
    }

    /** {@link #read(Path, Path, ReadOptions, ProgressListener)} reporting nothing. */
    public static InteractionLog read(Path ratings, Path movies, ReadOptions options) throws IOException {
        return read(ratings, movies, options, ProgressListener.SILENT);
    }

    /**
     * Reads {@code ratings} (plain or gzip) and takes titles and first genres from {@code movies}; each file's
     * progress and the skipped lines go to {@code progress}.
     */
    public static InteractionLog read(Path ratings, Path movies, ReadOptions options, ProgressListener progress)
            throws IOException {
        options.check(DataFormat.ML_1M, true, false);
        InteractionLogBuilder builder = new InteractionLogBuilder(false);
        BadLineBudget budget = new BadLineBudget(options.maxBadLines());
        LineParser.forEachLine(movies, StandardCharsets.ISO_8859_1, budget, progress, p -> {
            p.split("::");
            p.expectFields(3);
            long movie = p.longField(0, "MovieID");
            builder.title(movie, p.text(1));
            builder.category(movie, MovieLensReader.firstGenre(p, 2, "Genres"));
        });
        LineParser.forEachLine(ratings, StandardCharsets.UTF_8, budget, progress, p -> {
            p.split(",");
            if (p.isHeader()) {
                return;
            }
            p.expectFields(3);
            long user = p.longField(0, "user_id");
            long movie = p.longField(1, "movie_id");
            double rating = p.doubleField(2, "rating");
            if (rating >= options.minRating()) {
                builder.add(user, movie);
            }
        });
        return builder.build(budget.finish(progress));
    }
}
