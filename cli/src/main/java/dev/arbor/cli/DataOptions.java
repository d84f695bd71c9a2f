package dev.arbor.cli;

import dev.arbor.dataset.DataFormat;
import dev.arbor.dataset.ReadOptions;
import dev.arbor.dataset.SplitOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the interactions come from and how users are split; shared by train and eval. */
final class DataOptions {
    @Option(names = "--data", description = "Data set folder or file.")
    Path data;

    @Option(names = "--format", description = "taobao, movielens, ml-100k, ml-1m or csv (default: detected from the path).")
    String format;

    @Option(names = "--max-bad-lines", defaultValue = "0", description = "Skip and report up to N malformed lines (default: 0).")
    int maxBadLines;

    @Option(names = "--split-seed", defaultValue = "1", description = "Seed of the user split (default: ${DEFAULT-VALUE}).")
    long splitSeed;

    @Option(names = "--test-users", defaultValue = "-1", description = "Test users (default: 10%%, at most 10,000).")
    int testUsers;

    @Option(names = "--validation-users", defaultValue = "-1", description = "Validation users (default: 10%%, at most 10,000).")
    int validationUsers;

    DataFormat resolveFormat() {
        if (data == null) {
            throw new IllegalArgumentException("--data is required");
        }
        if (format != null) {
            return DataFormat.fromId(format);
        }
        return DataFormat.detect(data).orElseThrow(() -> new IllegalArgumentException("cannot tell the format of " + data
                + "; pass --format (taobao, movielens, ml-100k, ml-1m or csv)"));
    }

    ReadOptions readOptions() {
        if (maxBadLines < 0) {
            throw new IllegalArgumentException("--max-bad-lines must be >= 0, got " + maxBadLines);
        }
        return ReadOptions.DEFAULTS.withMaxBadLines(maxBadLines);
    }

    SplitOptions splitOptions() {
        SplitOptions s = SplitOptions.withSeed(splitSeed);
        if (testUsers != SplitOptions.AUTO) {
            s = s.withTestUsers(testUsers);
        }
        if (validationUsers != SplitOptions.AUTO) {
            s = s.withValidationUsers(validationUsers);
        }
        return s;
    }
}
