package dev.arbor.dataset;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.testkit.Fuzz;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Property tests for every input format: a small valid data set with one file damaged (a mutated line,
 * flipped bytes, a cut, or arbitrary bytes, gzip included) reads into a log or fails with a
 * {@link DataFormatException} whose message is {@code path:line: reason} for one of the set's files;
 * never another exception. The suite runs 200 cases per format and property; a long run:
 * {@code mvn -B -q -pl train -am test -Dtest=ReaderFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Darbor.fuzz.tries=100000 -Darbor.fuzz.seed=random}.
 */
class ReaderFuzzTest {
    private static final int TRIES = 200;
    /** Characters that delimit, quote, end lines or break number parsing in one of the formats. */
    private static final String NASTY = ",|\t\":\r\n\0 -+.eE9\u00e9\uFFFD\\";
    private static final String[] NUMBERS = {"", "-", "-0", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "NaN", "Infinity", "1e999", "0x10", "1.5", " 7 ", "+3", "٣"};

    /** Valid contents of each format's files, in the order the reader is handed them; gzip is applied on write. */
    static final Map<DataFormat, List<String[]>> DATA_SETS = Map.of(
            DataFormat.TAOBAO, List.<String[]>of(new String[] {"UserBehavior.csv",
                    "1,2268318,2520377,pv,1511544070\n1,2333346,2520771,cart,1511561733\n2,2268318,2520377,buy,1511572885\n"}),
            DataFormat.MOVIELENS, List.of(
                    new String[] {"ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n"
                            + "2,1,3.5,964982224\n"},
                    new String[] {"movies.csv", "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n"
                            + "3,\"Grumpier Old Men, The (1995)\",Comedy|Romance\n"}),
            DataFormat.ML_100K, List.of(
                    new String[] {"u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t377\t1\t878887116\n"},
                    new String[] {"u.item", "242|Kolya (1996)|24-Jan-1997||http://x|0|0|1\n"
                            + "302|L.A. (1997)|01-Jan-1997||x|0|1|0\n377|Heavyweights (1994)|01-Jan-1994||x|1|0|0\n"},
                    new String[] {"u.genre", "unknown|0\nAction|1\nComedy|2\n\n"}),
            DataFormat.ML_1M, List.of(
                    new String[] {"ratings.csv.gz", "user_id,movie_id,rating\n1,1193,5\n1,661,3\n2,1193,4\n"},
                    new String[] {"movies.dat", "1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n"
                            + "661::James and the Giant Peach (1996)::Animation|Children's|Musical\n"}),
            DataFormat.CSV, List.<String[]>of(new String[] {"log.csv", "user,item,category,timestamp\n1,10,\"a, b\",5\n"
                    + "1,11,c,6\n2,10,,7\n"}));

    private static final AtomicInteger READ = new AtomicInteger(), REFUSED = new AtomicInteger();

    @TempDir
    Path dir;

    @AfterAll
    static void printSummary() {
        System.out.printf("ReaderFuzzTest: %d damaged inputs, %d read into a log, %d refused with path:line, 0 other"
                + " exceptions%n", READ.get() + REFUSED.get(), READ.get(), REFUSED.get());
    }

    @ParameterizedTest
    @EnumSource(DataFormat.class)
    void mutatedLinesReadOrFailWithPathAndLine(DataFormat format) {
        Fuzz.forAll("mutatedLines-" + format.id(), TRIES, r -> check(format, r, (rr, text) -> mutateLine(rr, text)));
    }

    @ParameterizedTest
    @EnumSource(DataFormat.class)
    void damagedBytesReadOrFailWithPathAndLine(DataFormat format) {
        Fuzz.forAll("damagedBytes-" + format.id(), TRIES, r -> check(format, r, null));
    }

    /** Text-level damage to one line, or (when null) byte-level damage to the file as stored. */
    @FunctionalInterface
    private interface LineDamage {
        String apply(SplittableRandom r, String text);
    }

    private void check(DataFormat format, SplittableRandom r, LineDamage lineDamage) throws Exception {
        Path set = Files.createTempDirectory(dir, format.id());
        List<String[]> files = DATA_SETS.get(format);
        int victim = r.nextInt(files.size());
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String name = files.get(i)[0];
            String text = files.get(i)[1];
            if (i == victim && lineDamage != null) {
                text = lineDamage.apply(r, text);
            }
            byte[] bytes = encode(name, text);
            if (i == victim && lineDamage == null) {
                bytes = damageBytes(r, bytes);
            }
            paths.add(Files.write(set.resolve(name), bytes));
        }
        ReadOptions options = ReadOptions.DEFAULTS.withMaxBadLines(r.nextInt(3));
        try {
            // Skipped lines are reported on stderr; keep that out of the test output.
            TestData.stderrOf(() -> InteractionLogs.read(paths.getFirst(), format, options));
            READ.incrementAndGet();
        } catch (DataFormatException e) {
            REFUSED.incrementAndGet();
            assertNamesPathAndLine(e, paths);
        }
    }

    /** The error is {@code path:line: reason} for one of the data set's files. */
    static void assertNamesPathAndLine(DataFormatException e, List<Path> paths) {
        assertTrue(paths.contains(e.path()), "the error names a file of the data set: " + e.getMessage());
        assertTrue(e.line() >= 1, e.getMessage());
        assertTrue(e.getMessage().startsWith(e.path() + ":" + e.line() + ": "), e.getMessage());
    }

    /** The file's bytes as stored: latin-1 for MovieLens 100K/1M's own files, else UTF-8; gzipped for {@code .gz}. */
    static byte[] encode(String name, String text) throws IOException {
        boolean latin1 = name.startsWith("u.") || name.endsWith(".dat");
        byte[] bytes = text.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        return name.endsWith(".gz") ? gzip(bytes) : bytes;
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /** Replaces, deletes, inserts or duplicates characters, fields or whole lines of one line. */
    private static String mutateLine(SplittableRandom r, String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        int at = r.nextInt(lines.size());
        String line = lines.get(at);
        String mutated = switch (r.nextInt(7)) {
            case 0 -> line.isEmpty() ? line : line.substring(0, r.nextInt(line.length())); // cut short
            case 1 -> insert(line, r.nextInt(line.length() + 1), String.valueOf(NASTY.charAt(r.nextInt(NASTY.length()))));
            case 2 -> deleteSpan(r, line);
            case 3 -> replaceField(r, line, NUMBERS[r.nextInt(NUMBERS.length)]);
            case 4 -> replaceField(r, line, "\"" + NUMBERS[r.nextInt(NUMBERS.length)]);
            case 5 -> line + line; // two records glued together
            default -> randomText(r, 1 + r.nextInt(40));
        };
        lines.set(at, mutated);
        if (r.nextInt(8) == 0) {
            lines.add(r.nextInt(lines.size() + 1), lines.get(r.nextInt(lines.size()))); // a duplicated line
        }
        return String.join("\n", lines);
    }

    private static String deleteSpan(SplittableRandom r, String s) {
        if (s.isEmpty()) {
            return s;
        }
        int from = r.nextInt(s.length());
        return s.substring(0, from) + s.substring(from + 1 + r.nextInt(s.length() - from));
    }

    private static String insert(String s, int at, String what) {
        return s.substring(0, at) + what + s.substring(at);
    }

    /** Replaces one field, whatever the delimiter, with {@code value}. */
    private static String replaceField(SplittableRandom r, String line, String value) {
        String[] fields = line.split("[,|\t]|::", -1);
        String field = fields[r.nextInt(fields.length)];
        int at = line.indexOf(field);
        return at < 0 ? value : line.substring(0, at) + value + line.substring(at + field.length());
    }

    private static String randomText(SplittableRandom r, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(r.nextBoolean() ? NASTY.charAt(r.nextInt(NASTY.length())) : (char) r.nextInt(32, 127));
        }
        return sb.toString();
    }

    /** Flips bytes, cuts the file, or replaces it with arbitrary bytes (sometimes behind a gzip magic). */
    private static byte[] damageBytes(SplittableRandom r, byte[] bytes) {
        switch (r.nextInt(3)) {
            case 0 -> {
                for (int i = 1 + r.nextInt(4); i > 0 && bytes.length > 0; i--) {
                    bytes[r.nextInt(bytes.length)] ^= (byte) (1 + r.nextInt(255));
                }
                return bytes;
            }
            case 1 -> {
                return Arrays.copyOf(bytes, r.nextInt(bytes.length + 1));
            }
            default -> {
                byte[] noise = new byte[r.nextInt(300)];
                r.nextBytes(noise);
                if (noise.length >= 2 && r.nextBoolean()) {
                    noise[0] = 0x1f;
                    noise[1] = (byte) 0x8b;
                }
                return noise;
            }
        }
    }
}
