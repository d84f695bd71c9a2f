package dev.arbor.dataset;

import dev.arbor.progress.ProgressListener;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads an {@link InteractionLog} in any {@link DataFormat} from a data-set folder or one of its files. */
public final class InteractionLogs {

    private InteractionLogs() {
    }

    /** {@link #read(Path, DataFormat, ReadOptions)} with {@link ReadOptions#DEFAULTS}. */
    public static InteractionLog read(Path path, DataFormat format) throws IOException {
        return read(path, format, ReadOptions.DEFAULTS);
    }

    /**
     * Reads {@code path} as {@code format}. {@code path} is the data-set folder or its ratings file; companion files
     * (movies, items, genres) are taken from the same folder under their usual names:
     * <ul>
     *   <li>{@link DataFormat#TAOBAO}: a CSV file, or a folder holding {@code UserBehavior.csv} or exactly one CSV;</li>
     *   <li>{@link DataFormat#MOVIELENS}: {@code ratings.csv} + {@code movies.csv};</li>
     *   <li>{@link DataFormat#ML_100K}: {@code u.data} (or a split like {@code u1.base}), {@code u.item},
     *       {@code u.genre};</li>
     *   <li>{@link DataFormat#ML_1M}: {@code ratings.csv.gz} (or {@code ratings.csv}) + {@code movies.dat};</li>
     *   <li>{@link DataFormat#CSV}: a CSV file.</li>
     * </ul>
     *
     * @throws DataFormatException for a malformed line beyond {@link ReadOptions#maxBadLines()}
     * @throws NoSuchFileException when a file is missing
     */
    public static InteractionLog read(Path path, DataFormat format, ReadOptions options) throws IOException {
        return read(path, format, options, ProgressListener.SILENT);
    }

    /**
     * {@link #read(Path, DataFormat, ReadOptions)} that reports each file's progress, and the malformed lines it
     * skipped, to {@code progress}.
     */
    public static InteractionLog read(Path path, DataFormat format, ReadOptions options, ProgressListener progress)
            throws IOException {
        boolean dir = Files.isDirectory(path);
        Path folder = dir ? path : path.toAbsolutePath().getParent();
        return switch (format) {
            case TAOBAO -> TaobaoReader.read(dir ? taobaoFile(path) : existing(path), options, progress);
            case MOVIELENS -> MovieLensReader.read(existing(dir ? path.resolve("ratings.csv") : path),
                    existing(folder.resolve("movies.csv")), options, progress);
            case ML_100K -> Ml100kReader.read(existing(dir ? path.resolve("u.data") : path),
                    existing(folder.resolve("u.item")), existing(folder.resolve("u.genre")), options, progress);
            case ML_1M -> Ml1mReader.read(dir ? firstExisting(path, "ratings.csv.gz", "ratings.csv") : existing(path),
                    existing(folder.resolve("movies.dat")), options, progress);
            case CSV -> {
                if (dir) {
                    throw new NoSuchFileException(path.toString(), null, "is a folder; name the CSV file to read");
                }
                yield GenericCsvReader.read(existing(path), options, progress);
            }
        };
    }

    /** The full data set's {@code UserBehavior.csv}, else the folder's only CSV; several CSVs are ambiguous. */
    private static Path taobaoFile(Path dir) throws IOException {
        Path full = dir.resolve(DataFormat.TAOBAO_FILE);
        if (Files.exists(full)) {
            return full;
        }
        List<Path> csvs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{csv,csv.gz}")) {
            files.forEach(csvs::add);
        }
        if (csvs.size() == 1) {
            return csvs.getFirst();
        }
        csvs.sort(null);
        throw new NoSuchFileException(dir.toString(), null, csvs.isEmpty()
                ? "has no " + DataFormat.TAOBAO_FILE + " nor any other CSV file"
                : "has several CSV files " + csvs.stream().map(p -> p.getFileName().toString()).toList()
                        + "; name the one to read");
    }

    private static Path firstExisting(Path dir, String... names) throws NoSuchFileException {
        for (String name : names) {
            if (Files.exists(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        throw new NoSuchFileException(dir.resolve(names[0]).toString());
    }

    private static Path existing(Path file) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        return file;
    }
}
