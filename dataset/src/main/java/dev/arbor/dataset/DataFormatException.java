package dev.arbor.dataset;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A malformed line in an input file. The message is {@code path:line: reason} so that editors and
 * terminals can jump to the offending line. It is an {@link IOException} because to a caller bad input
 * is just another way a read can fail.
 */
public final class DataFormatException extends IOException {

    private final transient BadLine badLine;

    /** Creates the exception for line {@code line} (1-based) of {@code path}. */
    public DataFormatException(Path path, long line, String reason) {
        this(new BadLine(path, line, reason));
    }

    DataFormatException(BadLine badLine) {
        super(badLine.toString());
        this.badLine = badLine;
    }

    /** The file, line number and reason, as one value. */
    public BadLine badLine() {
        return badLine;
    }

    /** The file the bad line is in. */
    public Path path() {
        return badLine.path();
    }

    /** The 1-based number of the bad line. */
    public long line() {
        return badLine.line();
    }

    /** What is wrong with the line, without the {@code path:line: } prefix. */
    public String reason() {
        return badLine.reason();
    }
}
