package dev.arbor.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A temporary directory that validation indexes are published into and searched from; removed on close. */
final class ScratchDirectory implements AutoCloseable {
    private final Path path;

    ScratchDirectory() throws IOException {
        path = Files.createTempDirectory("arbor-validation-");
    }

    Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
