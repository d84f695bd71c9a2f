package dev.arbor.progress;

/**
 * Receives the progress of long work from library code, which never prints; the application renders it (the
 * {@code arbor} command: a bar on a terminal, plain rate-limited lines otherwise) or ignores it ({@link #SILENT}).
 *
 * <p>A listener gets one-line {@link #message messages}, and tasks it may show as they advance: {@link #task counted
 * work} (users evaluated, items processed) and {@link #reading file reads}. The task methods default to tasks that
 * show nothing, so a lambda {@code line -> ...} is a listener that only takes the messages. Every method may be
 * called from any thread.
 */
@FunctionalInterface
public interface ProgressListener {

    /** Shows nothing. */
    ProgressListener SILENT = line -> { };

    /**
     * A line for the user, without its line terminator (it may hold several lines): the summary of a finished stage,
     * or a warning such as the malformed input lines a read skipped.
     */
    void message(String line);

    /**
     * Counted work begins: {@code total} {@code unit}s (say 5,000 "users") under {@code label}. Report it through the
     * returned task and close that when the work ends, finished or not.
     */
    default Task task(String label, String unit, long total) {
        return Task.NONE;
    }

    /**
     * A read of {@code file}, {@code bytes} long on disk, begins. Report it through the returned read and close that
     * when the read ends, finished or not.
     */
    default FileRead reading(String file, long bytes) {
        return FileRead.NONE;
    }

    /** Counted work under way; {@link #advance} may be called from many threads at once. */
    @FunctionalInterface
    interface Task extends AutoCloseable {

        /** Shows nothing. */
        Task NONE = n -> { };

        /** Records {@code n} more units done. */
        void advance(long n);

        /** The work is over. */
        @Override
        default void close() {
        }
    }

    /** A file read under way, reported from the thread that reads. */
    @FunctionalInterface
    interface FileRead extends AutoCloseable {

        /** Shows nothing. */
        FileRead NONE = (bytesRead, linesRead) -> { };

        /** {@code bytesRead} bytes of the file (compressed bytes for gzip) and {@code linesRead} lines are done. */
        void update(long bytesRead, long linesRead);

        /** The file was read to its end, {@code linesRead} lines in all; a read closed without this failed. */
        default void finished(long linesRead) {
        }

        /** The read is over. */
        @Override
        default void close() {
        }
    }
}
