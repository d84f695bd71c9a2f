package dev.arbor.dataset;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of the input readers with Jazzer: the fuzzer's bytes choose a {@link DataFormat}, one file of
 * its small valid data set ({@link ReaderFuzzTest#DATA_SETS}) and the number of bad lines allowed, and the rest of
 * them become that file's content (gzipped or not, for {@code ratings.csv.gz}). {@link InteractionLogs#read} must
 * return a log or throw a {@link DataFormatException} whose message is {@code path:line: reason} for a file of the
 * set; any other exception fails.
 *
 * <p>{@code mvn test} replays the seeds in {@code ReaderJazzerFuzzTestInputs/<method>/}; fuzzing is
 * {@code JAZZER_FUZZ=1} (see docs/RELIABILITY.md).
 */
class ReaderJazzerFuzzTest {
    private static final AtomicIntegerArray READ = new AtomicIntegerArray(DataFormat.values().length);
    private static final AtomicIntegerArray REFUSED = new AtomicIntegerArray(DataFormat.values().length);

    @TempDir
    Path dir;

    @AfterAll
    static void printSummary() {
        StringBuilder sb = new StringBuilder("ReaderJazzerFuzzTest, inputs read into a log / refused with"
                + " path:line:");
        for (DataFormat f : DataFormat.values()) {
            sb.append(' ').append(f.id()).append(' ').append(READ.get(f.ordinal())).append('/')
                    .append(REFUSED.get(f.ordinal())).append(';');
        }
        System.out.println(sb);
    }

    @FuzzTest(maxExecutions = 400_000, maxDuration = "30m")
    void arbitraryFileIsReadOrRefusedWithPathAndLine(FuzzedDataProvider data) throws Exception {
        DataFormat format = data.pickValue(DataFormat.values());
        List<String[]> files = ReaderFuzzTest.DATA_SETS.get(format);
        int victim = data.consumeInt(0, files.size() - 1);
        ReadOptions options = ReadOptions.DEFAULTS.withMaxBadLines(data.consumeInt(0, 2));
        boolean gzip = data.consumeBoolean();
        byte[] content = data.consumeRemainingAsBytes();
        Path set = Files.createDirectories(dir.resolve(format.id()));
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String name = files.get(i)[0];
            byte[] bytes = i != victim ? ReaderFuzzTest.encode(name, files.get(i)[1])
                    : gzip && name.endsWith(".gz") ? ReaderFuzzTest.gzip(content) : content;
            paths.add(Files.write(set.resolve(name), bytes));
        }
        try {
            // Skipped lines are reported on stderr; keep that out of the output.
            TestData.stderrOf(() -> InteractionLogs.read(paths.getFirst(), format, options));
            READ.incrementAndGet(format.ordinal());
        } catch (DataFormatException e) {
            REFUSED.incrementAndGet(format.ordinal());
            ReaderFuzzTest.assertNamesPathAndLine(e, paths);
        }
    }
}
