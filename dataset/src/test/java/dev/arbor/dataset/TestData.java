package dev.arbor.dataset;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arbor.progress.ProgressListener;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Locates the real data sets and writes slices and hand-made files for the reader tests. */
final class TestData {

    private TestData() {
    }

    /** The ml-latest-small copy bundled with the project ({@code data/ml-latest-small} at the project root). */
    static Path bundledMovieLens() {
        Path dir = findUp(Path.of("data", "ml-latest-small", "ratings.csv"));
        assertTrue(dir != null, "data/ml-latest-small is bundled with the project and must be found");
        return dir.resolve("data").resolve("ml-latest-small");
    }

    /**
     * A folder of the shared data sets ({@code ../shared/data} from the project root); the test is skipped where the
     * machine has none, since those data sets may not ship with the project.
     */
    static Path shared(String dataSet) {
        Path root = findUp(Path.of("shared", "data", dataSet));
        assumeTrue(root != null, "shared data set " + dataSet + " not found");
        return root.resolve("shared").resolve("data").resolve(dataSet);
    }

    private static Path findUp(Path relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir;
            }
        }
        return null;
    }

    /** Copies the first {@code lines} lines of {@code source} (decompressed if gzip) byte for byte to {@code target}. */
    static Path head(Path source, Path target, int lines) throws IOException {
        try (InputStream in = open(source); OutputStream out = Files.newOutputStream(target)) {
            int seen = 0;
            int b;
            while (seen < lines && (b = in.read()) >= 0) {
                out.write(b);
                if (b == '\n') {
                    seen++;
                }
            }
        }
        return target;
    }

    private static InputStream open(Path source) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(source));
        return source.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
    }

    /** Gzips {@code source} into {@code target}. */
    static Path gzip(Path source, Path target) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(target))) {
            Files.copy(source, out);
        }
        return target;
    }

    /** Writes {@code text} as UTF-8. */
    static Path write(Path dir, String name, String text) throws IOException {
        return write(dir, name, text, StandardCharsets.UTF_8);
    }

    /** Writes {@code text} in {@code charset}. */
    static Path write(Path dir, String name, String text, Charset charset) throws IOException {
        return Files.writeString(dir.resolve(name), text, charset);
    }

    /** Runs {@code action} with stderr captured, and returns what it printed there. */
    static String stderrOf(ThrowingRunnable action) throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(saved);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code action} with a listener that takes its messages, and returns them as the command line would print
     * them: each followed by a line separator.
     */
    static String messagesOf(ThrowingConsumer<ProgressListener> action) throws Exception {
        StringBuilder messages = new StringBuilder();
        action.accept(line -> {
            synchronized (messages) {
                messages.append(line).append(System.lineSeparator());
            }
        });
        return messages.toString();
    }

    /** An action on a value that may throw. */
    @FunctionalInterface
    interface ThrowingConsumer<T> {
        void accept(T value) throws Exception;
    }

    /** An action that may throw. */
    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
