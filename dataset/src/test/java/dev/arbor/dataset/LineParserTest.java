package dev.arbor.dataset;

import static dev.arbor.progress.ProgressListener.SILENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineParserTest {

    @TempDir
    Path dir;

    /** Runs {@code handler} over {@code text} written to a file, strictly (no bad lines allowed). */
    private Path parse(String text, LineParser.Handler handler) throws IOException {
        Path file = TestData.write(dir, "in.txt", text);
        LineParser.forEachLine(file, StandardCharsets.UTF_8, new BadLineBudget(0), SILENT, handler);
        return file;
    }

    @Test
    void csvQuotesMayHoldCommasAndDoubledQuotes() throws IOException {
        List<List<String>> rows = new ArrayList<>();
        parse("1,\"American President, The (1995)\",Comedy\n"
                + "7789,\"11'09\"\"01 - September 11 (2002)\",Drama\n"
                + "2,,\"\"\n"
                + "3,x,\n", p -> {
                    p.splitCsv();
                    List<String> row = new ArrayList<>();
                    for (int i = 0; i < p.fieldCount(); i++) {
                        row.add(p.text(i));
                    }
                    rows.add(row);
                });
        assertEquals(List.of(
                List.of("1", "American President, The (1995)", "Comedy"),
                List.of("7789", "11'09\"01 - September 11 (2002)", "Drama"),
                List.of("2", "", ""),
                List.of("3", "x", "")), rows);
    }

    @Test
    void quotedFieldsParseAsNumbersToo() throws IOException {
        long[] got = new long[1];
        parse("\"42\",x\n", p -> {
            p.splitCsv();
            got[0] = p.longField(0, "id");
        });
        assertEquals(42, got[0]);
    }

    @Test
    void badQuotingIsReportedWithItsLine() throws IOException {
        Path file = TestData.write(dir, "q.csv", "1,ok\n2,\"open\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> LineParser.forEachLine(file,
                StandardCharsets.UTF_8, new BadLineBudget(0), SILENT, LineParser::splitCsv));
        assertEquals(file + ":2: field 2 has an unterminated quote", e.getMessage());

        Path after = TestData.write(dir, "a.csv", "1,\"x\"y,z\n");
        e = assertThrows(DataFormatException.class, () -> LineParser.forEachLine(after,
                StandardCharsets.UTF_8, new BadLineBudget(0), SILENT, LineParser::splitCsv));
        assertEquals(after + ":1: field 2 has text after its closing quote", e.getMessage());
    }

    @Test
    void longsAreParsedStrictlyButMayBeSpaced() throws IOException {
        List<Long> got = new ArrayList<>();
        parse(" 12 |-7|9223372036854775807|-9223372036854775808\n", p -> {
            p.split("|");
            for (int i = 0; i < p.fieldCount(); i++) {
                got.add(p.longField(i, "n"));
            }
        });
        assertEquals(List.of(12L, -7L, Long.MAX_VALUE, Long.MIN_VALUE), got);

        for (String bad : List.of("9223372036854775808", "-9223372036854775809", "", "-", "1.5", "12a", "1 2")) {
            Path file = TestData.write(dir, "bad.txt", "x\n" + bad + "|end\n");
            DataFormatException e = assertThrows(DataFormatException.class,
                    () -> LineParser.forEachLine(file, StandardCharsets.UTF_8, new BadLineBudget(0), SILENT, p -> {
                        p.split("|");
                        if (p.lineNumber() == 2) {
                            p.longField(0, "count");
                        }
                    }), bad);
            assertEquals(file + ":2: field 'count' is not a number: \"" + bad + "\"", e.getMessage());
        }
    }

    @Test
    void doublesRejectWordsAndJavaSuffixes() throws IOException {
        List<Double> got = new ArrayList<>();
        parse("4.5,1,2e1,-0.5\n", p -> {
            p.split(",");
            for (int i = 0; i < p.fieldCount(); i++) {
                got.add(p.doubleField(i, "rating"));
            }
        });
        assertEquals(List.of(4.5, 1.0, 20.0, -0.5), got);
        for (String bad : List.of("NaN", "Infinity", "1f", "4d", "0x1p3", "", "..")) {
            Path file = TestData.write(dir, "bad.txt", bad + ",end\n");
            DataFormatException e = assertThrows(DataFormatException.class,
                    () -> LineParser.forEachLine(file, StandardCharsets.UTF_8, new BadLineBudget(0), SILENT, p -> {
                        p.split(",");
                        p.doubleField(0, "rating");
                    }), bad);
            assertTrue(e.getMessage().endsWith("field 'rating' is not a number: \"" + bad + "\""), e.getMessage());
        }
    }

    @Test
    void lineNumbersCountBlankLinesAndCrLf() throws IOException {
        List<Long> numbers = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        parse("a,b\r\n\r\n  \nc,d\r\ne,f", p -> {
            p.split(",");
            numbers.add(p.lineNumber());
            fields.add(p.text(1));
        });
        assertEquals(List.of(1L, 4L, 5L), numbers);
        assertEquals(List.of("b", "d", "f"), fields);
    }

    @Test
    void multiCharacterDelimiters() throws IOException {
        List<String> fields = new ArrayList<>();
        parse("1::Mis::Drama|Musical\n", p -> {
            p.split("::");
            for (int i = 0; i < p.fieldCount(); i++) {
                fields.add(p.text(i));
            }
        });
        assertEquals(List.of("1", "Mis", "Drama|Musical"), fields);
    }

    @Test
    void headerIsOnlyTheFirstLineAndOnlyWhenNotNumeric() throws IOException {
        List<Boolean> headers = new ArrayList<>();
        parse("\nuserId,movieId,rating\n1,2,3\nuser,item\n", p -> {
            p.split(",");
            headers.add(p.isHeader());
        });
        assertEquals(List.of(true, false, false), headers);

        headers.clear();
        parse("1,2\n", p -> {
            p.split(",");
            headers.add(p.isHeader());
        });
        assertEquals(List.of(false), headers);
    }

    @Test
    void gzipIsRecognisedByContentNotName() throws IOException {
        Path plain = TestData.write(dir, "plain.txt", "1,2\n3,4\n");
        Path gz = TestData.gzip(plain, dir.resolve("no-extension"));
        List<Long> got = new ArrayList<>();
        LineParser.forEachLine(gz, StandardCharsets.UTF_8, new BadLineBudget(0), SILENT, p -> {
            p.split(",");
            got.add(p.longField(1, "b"));
        });
        assertEquals(List.of(2L, 4L), got);
    }

    /**
     * Regression (found by ReaderFuzzTest): damaged gzip data escaped as a bare ZipException or
     * EOFException; it is a DataFormatException at the line where the damage was met.
     */
    @Test
    void damagedGzipFailsWithPathAndLine() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            text.append(i).append(',').append(i * 7).append('\n');
        }
        Path plain = TestData.write(dir, "plain.txt", text.toString());
        byte[] gz = Files.readAllBytes(TestData.gzip(plain, dir.resolve("whole.gz")));
        Path cut = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        Path badMethod = Files.write(dir.resolve("method.gz"), new byte[] {0x1f, (byte) 0x8b, 99, 0, 0, 0, 0, 0, 0, 0});
        for (Path file : List.of(cut, badMethod)) {
            DataFormatException e = assertThrows(DataFormatException.class, () -> LineParser.forEachLine(file,
                    StandardCharsets.UTF_8, new BadLineBudget(5), SILENT, p -> p.split(",")));
            assertEquals(file, e.path());
            assertTrue(e.line() >= 1 && e.reason().startsWith("gzip data is damaged"), e.getMessage());
        }
    }

    @Test
    void fieldEqualsComparesInPlace() throws IOException {
        List<Boolean> got = new ArrayList<>();
        parse("pv,cart,\"pv\"\n", p -> {
            p.splitCsv();
            got.add(p.fieldEquals(0, "pv"));
            got.add(p.fieldEquals(1, "pv"));
            got.add(p.fieldEquals(1, "cart"));
            got.add(p.fieldEquals(2, "pv"));
        });
        assertEquals(List.of(true, false, true, true), got);
    }
}
