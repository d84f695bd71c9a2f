package dev.arbor.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The interaction-log formats {@link InteractionLogs#read} understands. */
public enum DataFormat {
    /** Taobao UserBehavior: {@code user_id,item_id,category_id,behavior_type,timestamp}, no header. */
    TAOBAO("taobao"),
    /** MovieLens CSV releases (ml-latest-small, ml-latest, ml-25m): {@code ratings.csv} with header + {@code movies.csv}. */
    MOVIELENS("movielens"),
    /** MovieLens 100K: tab-separated {@code u.data} + {@code u.item} and {@code u.genre}, latin-1. */
    ML_100K("ml-100k"),
    /** MovieLens 1M as shipped here: {@code ratings.csv.gz} ({@code user_id,movie_id,rating}) + {@code movies.dat}. */
    ML_1M("ml-1m"),
    /** Any {@code user,item[,category[,timestamp]]} CSV, header optional. */
    CSV("csv");

    /** The file name of the full Taobao UserBehavior data set. */
    static final String TAOBAO_FILE = "UserBehavior.csv";

    private final String id;

    DataFormat(String id) {
        this.id = id;
    }

    /** The short name used on the command line, e.g. {@code ml-100k}. */
    public String id() {
        return id;
    }

    /** The format whose {@link #id()} or constant name is {@code name}, case-insensitively. */
    public static DataFormat fromId(String name) {
        for (DataFormat f : values()) {
            if (f.id.equalsIgnoreCase(name) || f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown data format '" + name
                + "', expected one of taobao, movielens, ml-100k, ml-1m, csv");
    }

    /**
     * Guesses the format of a data-set folder, or of a ratings file inside one, from the file names MovieLens and
     * Taobao ship with. Empty when nothing matches: the caller should then ask for an explicit format rather than
     * risk misreading the data.
     */
    public static Optional<DataFormat> detect(Path path) {
        boolean isDir = Files.isDirectory(path);
        Path dir = isDir ? path : path.toAbsolutePath().getParent();
        String name = isDir ? "" : path.getFileName().toString();
        if ((isDir || name.equals("u.data")) && Files.exists(dir.resolve("u.data")) && Files.exists(dir.resolve("u.item"))) {
            return Optional.of(ML_100K);
        }
        if ((isDir || name.startsWith("ratings.csv")) && Files.exists(dir.resolve("movies.dat"))) {
            return Optional.of(ML_1M);
        }
        if ((isDir || name.equals("ratings.csv")) && Files.exists(dir.resolve("movies.csv"))) {
            return Optional.of(MOVIELENS);
        }
        if (isDir ? Files.exists(dir.resolve(TAOBAO_FILE)) : name.equalsIgnoreCase(TAOBAO_FILE)) {
            return Optional.of(TAOBAO);
        }
        return Optional.empty();
    }
}
