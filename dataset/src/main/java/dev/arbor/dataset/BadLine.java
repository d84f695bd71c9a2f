package dev.arbor.dataset;

import java.nio.file.Path;

/**
 * One malformed input line that a read skipped because {@link ReadOptions#maxBadLines()} allowed it.
 *
 * @param path the file the line came from
 * @param line 1-based line number in that file (after decompression, header included)
 * @param reason what is wrong with it, naming the field
 */
public record BadLine(Path path, long line, String reason) {

    /** The same {@code path:line: reason} form a {@link DataFormatException} uses as its message. */
    @Override
    public String toString() {
        return path + ":" + line + ": " + reason;
    }
}
