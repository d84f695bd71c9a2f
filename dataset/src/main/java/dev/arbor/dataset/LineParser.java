package dev.arbor.dataset;

import dev.arbor.progress.ProgressListener;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The one line reader and field splitter behind every format reader: it numbers lines, splits them without
 * allocating per field, parses numbers, and turns every problem into a {@link DataFormatException} with the
 * {@code path:line: reason} message, which {@link BadLineBudget} then skips or rethrows. Gzip input is
 * recognised by its magic bytes, whatever the file is called. Blank lines are ignored.
 */
final class LineParser {

    /** Handles one non-blank line; the parser is positioned on it. */
    @FunctionalInterface
    interface Handler {
        void accept(LineParser line) throws DataFormatException;
    }

    /** Progress is checked every this many lines, so the clock is not read per line. */
    private static final int PROGRESS_EVERY = 1 << 14;
    /** Field values quoted in error messages are cut to this length. */
    private static final int MAX_QUOTED = 60;

    private final Path path;
    private String line;
    private long lineNumber;
    private long firstLineNumber;
    private int fieldCount;
    private int[] starts = new int[8];
    private int[] ends = new int[8];
    /** Unescaped text of quoted CSV fields (null for unquoted ones, which are read straight from {@link #line}). */
    private String[] unquoted = new String[8];
    /** The value of the last field {@link #parseLong} read as a long. */
    private long parsed;

    private LineParser(Path path) {
        this.path = path;
    }

    /**
     * Calls {@code handler} for every non-blank line of {@code path}; malformed lines go to {@code budget}, the
     * read's progress to {@code progress}. Damaged gzip data fails the read at the line where it was met: nothing
     * after it can be trusted, so it is not a bad line to skip.
     */
    static void forEachLine(Path path, Charset charset, BadLineBudget budget, ProgressListener progress,
            Handler handler) throws IOException {
        LineParser p = new LineParser(path);
        try {
            readLines(p, path, charset, budget, progress, handler);
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(path, p.lineNumber + 1, "gzip data is damaged (" + e.getMessage() + ")");
        }
    }

    private static void readLines(LineParser p, Path path, Charset charset, BadLineBudget budget,
            ProgressListener listener, Handler handler) throws IOException {
        try (CountingInputStream raw = new CountingInputStream(Files.newInputStream(path));
             BufferedReader reader = new BufferedReader(new InputStreamReader(decompress(raw), charset), 1 << 16);
             ProgressListener.FileRead progress = listener.reading(path.getFileName().toString(), Files.size(path))) {
            String s;
            while ((s = reader.readLine()) != null) {
                long n = ++p.lineNumber;
                if (n % PROGRESS_EVERY == 0) {
                    progress.update(raw.count, n);
                }
                if (s.isBlank()) {
                    continue;
                }
                if (p.firstLineNumber == 0) {
                    p.firstLineNumber = n;
                }
                p.line = s;
                p.fieldCount = 0;
                try {
                    handler.accept(p);
                } catch (DataFormatException e) {
                    budget.skip(e);
                }
            }
            progress.finished(p.lineNumber);
        }
    }

    private static InputStream decompress(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
    }

    /** The 1-based number of the current line. */
    long lineNumber() {
        return lineNumber;
    }

    /** A {@code path:line: reason} exception for the current line. */
    DataFormatException error(String reason) {
        return new DataFormatException(path, lineNumber, reason);
    }

    /** A {@code path:line: reason} exception for line {@code line}, an earlier one than the current. */
    DataFormatException errorAt(long line, String reason) {
        return new DataFormatException(path, line, reason);
    }

    /** Whether the current line is the file's first non-blank one. */
    boolean isFirstLine() {
        return lineNumber == firstLineNumber;
    }

    /** Splits the current line at every occurrence of {@code delimiter} (one character, or several such as {@code ::}). */
    void split(String delimiter) {
        String s = line;
        int from = 0;
        fieldCount = 0;
        for (int i = s.indexOf(delimiter); i >= 0; i = s.indexOf(delimiter, from)) {
            addField(from, i, null);
            from = i + delimiter.length();
        }
        addField(from, s.length(), null);
    }

    /**
     * Splits the current line as RFC 4180 CSV: a field may be wrapped in double quotes, and then contain commas
     * and doubled quotes ({@code ""}) that stand for one quote. Fields cannot span lines.
     */
    void splitCsv() throws DataFormatException {
        String s = line;
        fieldCount = 0;
        int i = 0;
        int n = s.length();
        while (true) {
            if (i < n && s.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                int j = i + 1;
                while (true) {
                    if (j >= n) {
                        throw error("field " + (fieldCount + 1) + " has an unterminated quote");
                    }
                    char c = s.charAt(j);
                    if (c == '"') {
                        if (j + 1 < n && s.charAt(j + 1) == '"') {
                            sb.append('"');
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    sb.append(c);
                    j++;
                }
                String value = sb.toString();
                addField(0, value.length(), value);
                i = j + 1;
                if (i == n) {
                    return;
                }
                if (s.charAt(i) != ',') {
                    throw error("field " + fieldCount + " has text after its closing quote");
                }
                i++;
            } else {
                int comma = s.indexOf(',', i);
                if (comma < 0) {
                    addField(i, n, null);
                    return;
                }
                addField(i, comma, null);
                i = comma + 1;
            }
        }
    }

    private void addField(int start, int end, String unquotedText) {
        if (fieldCount == starts.length) {
            starts = Arrays.copyOf(starts, fieldCount * 2);
            ends = Arrays.copyOf(ends, fieldCount * 2);
            unquoted = Arrays.copyOf(unquoted, fieldCount * 2);
        }
        starts[fieldCount] = start;
        ends[fieldCount] = end;
        unquoted[fieldCount] = unquotedText;
        fieldCount++;
    }

    /** How many fields the last split found. */
    int fieldCount() {
        return fieldCount;
    }

    /** Fails unless the last split found exactly {@code n} fields. */
    void expectFields(int n) throws DataFormatException {
        if (fieldCount != n) {
            throw error("expected " + n + " fields, found " + fieldCount);
        }
    }

    /**
     * Whether the current line is a header: it is the first non-blank line of the file and its first two fields
     * (or its only one) are not numbers. For the formats whose ids are always numbers: it cannot eat their data.
     */
    boolean isHeader() {
        return isFirstLine() && !isLong(0) && (fieldCount < 2 || !isLong(1));
    }

    /** The text of field {@code i}, with CSV quotes removed. */
    String text(int i) {
        return unquoted[i] != null ? unquoted[i] : line.substring(starts[i], ends[i]);
    }

    /** Whether field {@code i} is exactly {@code value}, compared without copying the field. */
    boolean fieldEquals(int i, String value) {
        int len = ends[i] - starts[i];
        return len == value.length() && source(i).regionMatches(starts[i], value, 0, len);
    }

    /** Field {@code i} as a long; the error names the field {@code name}. Surrounding spaces are allowed. */
    long longField(int i, String name) throws DataFormatException {
        if (!parseLong(i)) {
            throw notNumber(i, name);
        }
        return parsed;
    }

    /** Whether field {@code i} reads as a long, as {@link #longField} would take it; throws nothing, allocates nothing. */
    boolean isLong(int i) {
        return parseLong(i);
    }

    /** Parses field {@code i} into {@link #parsed}; false when it is not a long. */
    private boolean parseLong(int i) {
        String src = source(i);
        int from = starts[i];
        int to = ends[i];
        while (from < to && src.charAt(from) == ' ') {
            from++;
        }
        while (to > from && src.charAt(to - 1) == ' ') {
            to--;
        }
        boolean negative = from < to && src.charAt(from) == '-';
        int k = negative ? from + 1 : from;
        if (k == to) {
            return false;
        }
        // Accumulate negatively so that Long.MIN_VALUE parses; overflow is caught before it happens.
        long value = 0;
        for (; k < to; k++) {
            int d = src.charAt(k) - '0';
            if (d < 0 || d > 9 || value < (Long.MIN_VALUE + d) / 10) {
                return false;
            }
            value = value * 10 - d;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                return false;
            }
            value = -value;
        }
        parsed = value;
        return true;
    }

    /** Field {@code i} as a finite decimal number such as {@code 3.5} or {@code 1e3}; the error names the field. */
    double doubleField(int i, String name) throws DataFormatException {
        double v = decimal(text(i).strip());
        if (Double.isNaN(v)) {
            throw notNumber(i, name);
        }
        return v;
    }

    /**
     * Field {@code i} as a vector: finite decimal numbers separated by spaces; the error names the field and the
     * 1-based position of the bad value. An empty field is an empty vector.
     */
    float[] vectorField(int i, String name) throws DataFormatException {
        String text = text(i).strip();
        if (text.isEmpty()) {
            return new float[0];
        }
        String[] values = text.split(" +");
        float[] vector = new float[values.length];
        for (int k = 0; k < values.length; k++) {
            double v = decimal(values[k]);
            if (Double.isNaN(v) || !Float.isFinite((float) v)) {
                throw error("field '" + name + "' value " + (k + 1) + " is not a finite number: " + quote(values[k]));
            }
            vector[k] = (float) v;
        }
        return vector;
    }

    /** {@code text} as a finite number, or NaN when it is not one. */
    private static double decimal(String text) {
        // Double.parseDouble alone would also take "NaN", "Infinity", "1f" and hex floats, none of which is data here.
        boolean plain = !text.isEmpty();
        for (int k = 0; k < text.length() && plain; k++) {
            char c = text.charAt(k);
            plain = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
        }
        if (plain) {
            try {
                double v = Double.parseDouble(text);
                if (Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // NaN below: the caller reports it with the field name and line
            }
        }
        return Double.NaN;
    }

    private DataFormatException notNumber(int i, String name) {
        return error("field '" + name + "' is not a number: " + quote(text(i)));
    }

    /** {@code value} in double quotes, cut short if long, for error messages. */
    static String quote(String value) {
        return "\"" + (value.length() <= MAX_QUOTED ? value : value.substring(0, MAX_QUOTED) + "...") + "\"";
    }

    private String source(int i) {
        return unquoted[i] != null ? unquoted[i] : line;
    }

    /** Counts the bytes read from the file, for progress; gzip input counts compressed bytes. */
    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
