package dev.arbor.reader;

import dev.arbor.format.CorruptSegmentException;
import dev.arbor.format.FramedFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;

/** What the segment readers of every index kind share: their files, the full check, and unmapping. */
interface MappedSegment extends AutoCloseable {

    /** The data files, then the meta file. */
    FramedFile[] files();

    /** Verifies every checksum and what the open did not check of the content; the error names the file. */
    void checkIntegrity() throws CorruptSegmentException;

    @Override
    void close();

    /** Opens a segment: a directory, or the live one of an index directory. */
    @FunctionalInterface
    interface Opener<S extends MappedSegment> {
        S open(Path directory) throws IOException;
    }

    /** Maps and checks a segment's files into {@code arena}, which the segment then owns. */
    @FunctionalInterface
    interface Mapper<S extends MappedSegment> {
        S map(Path directory, Arena arena) throws IOException;
    }

    /**
     * Maps the segment in {@code directory} into a shared arena of its own, closed again if the open fails; with
     * {@code verify}, then checks its integrity, closing the segment if that fails.
     */
    static <S extends MappedSegment> S open(Path directory, boolean verify, Mapper<S> mapper) throws IOException {
        Arena arena = Arena.ofShared();
        S segment;
        try {
            segment = mapper.map(directory, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
        if (verify) {
            try {
                segment.checkIntegrity();
            } catch (IOException | RuntimeException e) {
                segment.close();
                throw e;
            }
        }
        return segment;
    }
}
