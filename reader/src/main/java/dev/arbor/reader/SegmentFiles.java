package dev.arbor.reader;

import static dev.arbor.format.SegmentFormat.*;

import dev.arbor.format.CorruptSegmentException;
import dev.arbor.format.ElementType;
import dev.arbor.format.FramedFile;
import dev.arbor.format.Properties;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The framed files of one segment directory, mapped into an arena and checked against {@code meta.arb}, the
 * segment's root of trust: its index kind, each file's length, codec and version, and that every file carries
 * the meta file's segment id. Files are bound by name, so each index kind names its own files and a reader of
 * that kind looks them up; the cheap structural checks of each file's content are the kind's reader's job.
 */
final class SegmentFiles {
    private static final HexFormat HEX = HexFormat.of();

    private final Path directory;
    private final Arena arena;
    private final List<String> names;
    /** In {@link #names} order, then the meta file. */
    private final FramedFile[] files;
    private final long[] lengths;
    /** Meta file first, then {@link #names} order. */
    private final List<MemorySegment> mappings = new ArrayList<>();
    private final Map<String, String> properties;
    /** The data file that search reads scattered rows of; mapped for random access while serving. */
    private final MemorySegment randomAccess;

    /**
     * Maps the meta file and the data files {@code names} (with codecs {@code codecs}, in the order of the meta file's
     * lengths) of an index of kind {@code indexKind}; {@code randomAccessFile}, one of them, is the one whose rows
     * search reads scattered over the file.
     *
     * @throws CorruptSegmentException naming the file whose check failed
     */
    SegmentFiles(Path directory, Arena arena, int indexKind, List<String> names, List<String> codecs,
                 String randomAccessFile) throws IOException {
        this.directory = directory;
        this.arena = arena;
        this.names = List.copyOf(names);
        String metaName = resource(META_FILE);
        FramedFile meta = openMeta(map(META_FILE), metaName);
        byte[] segmentId = meta.segmentId();
        int kind = kind(meta);
        if (kind != indexKind) {
            throw new CorruptSegmentException(metaName, "index kind " + kind + " (" + kindName(kind) + ") is not"
                    + " supported by this reader, which reads kind " + indexKind + " (" + kindName(indexKind) + "); a "
                    + kindName(INDEX_KIND_TREE) + " opens as a TreeSegment, a " + kindName(INDEX_KIND_PATH_LATTICE)
                    + " as a LatticeSegment");
        }
        int fileCount = meta.intField(1, "fileCount", names.size(), names.size());
        MemorySegment stored = meta.section(META_FILE_LENGTHS, "fileLengths", ElementType.I64, fileCount);
        MemorySegment props = meta.section(META_PROPERTIES, "properties", ElementType.U8);
        try {
            this.properties = Properties.decode(props.toArray(ValueLayout.JAVA_BYTE));
        } catch (IllegalArgumentException e) {
            throw new CorruptSegmentException(metaName, "properties: " + e.getMessage());
        }
        files = new FramedFile[fileCount + 1];
        lengths = new long[fileCount + 1];
        for (int i = 0; i < fileCount; i++) {
            String name = names.get(i);
            MemorySegment data = map(name);
            long expected = stored.getAtIndex(FramedFile.LONG, i);
            if (data.byteSize() != expected) {
                throw new CorruptSegmentException(resource(name), "file is " + data.byteSize() + " bytes, " + metaName
                        + " says " + expected + ": truncated, or one of the two was replaced");
            }
            files[i] = FramedFile.open(data, resource(name), codecs.get(i), VERSION_START, VERSION_CURRENT, null);
            // Checked here rather than in FramedFile.open so that the message names both files: either may be the stranger.
            if (!Arrays.equals(files[i].segmentId(), segmentId)) {
                throw new CorruptSegmentException(files[i].resource(), "segment id " + HEX.formatHex(files[i].segmentId())
                        + " differs from " + HEX.formatHex(segmentId) + " in " + metaName
                        + ": one of the two files belongs to another segment");
            }
            lengths[i] = data.byteSize();
        }
        files[fileCount] = meta;
        lengths[fileCount] = Files.size(directory.resolve(META_FILE));
        randomAccess = mapping(randomAccessFile);
    }

    /**
     * The index kind of the segment in {@code directory}, from its meta file (whose checksum is verified).
     *
     * @throws CorruptSegmentException naming the meta file when it is missing or damaged
     */
    static int indexKind(Path directory) throws IOException {
        Path file = directory.resolve(META_FILE);
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return kind(openMeta(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena), file.toString()));
        } catch (NoSuchFileException e) {
            throw new CorruptSegmentException(file.toString(), "file is missing", e);
        }
    }

    private static FramedFile openMeta(MemorySegment data, String resource) throws CorruptSegmentException {
        FramedFile meta = FramedFile.open(data, resource, CODEC_META, VERSION_START, VERSION_CURRENT, null);
        // The meta file is tiny and is the root of trust for the segment id and file lengths: always verify it.
        meta.checkIntegrity();
        return meta;
    }

    private static int kind(FramedFile meta) throws CorruptSegmentException {
        return meta.intField(0, "indexKind", 0, Integer.MAX_VALUE);
    }

    private static String kindName(int kind) {
        return kind == INDEX_KIND_TREE ? "tree" : kind == INDEX_KIND_PATH_LATTICE ? "path lattice" : "unknown";
    }

    /** Field {@code name} of {@code f} must equal {@code expected}, which {@code source} determines. */
    static void requireAgreement(FramedFile f, int index, String name, long expected, FramedFile source)
            throws CorruptSegmentException {
        long v = f.field(index, name);
        if (v != expected) {
            throw new CorruptSegmentException(f.resource(), "field " + name + " is " + v + ", but " + source.resource()
                    + " implies " + expected + ": the files disagree");
        }
    }

    /** Field {@code index} of an embeddings file, its encoding, must be float32: the only one written so far. */
    static void requireFloat32(FramedFile f, int index) throws CorruptSegmentException {
        int encoding = f.intField(index, "encoding", 0, Integer.MAX_VALUE);
        if (encoding != ENCODING_F32) {
            throw new CorruptSegmentException(f.resource(), "embedding encoding " + encoding
                    + " is not supported (this reader supports " + ENCODING_F32 + " = float32)");
        }
    }

    /** A check of one file's content, run once its checksum has passed. */
    @FunctionalInterface
    interface ContentCheck {
        void check(FramedFile file) throws CorruptSegmentException;
    }

    /**
     * Verifies the CRC32 of every file, then runs {@code content} on it, then tells {@code verified}. The pass reads
     * every byte in order, so it asks for read-ahead while it runs and the serving advice again afterwards.
     */
    void checkIntegrity(ContentCheck content, Consumer<FramedFile> verified) throws CorruptSegmentException {
        advise(PageAdvice.Access.SEQUENTIAL);
        try {
            for (FramedFile f : files) {
                f.checkIntegrity();
                content.check(f);
                verified.accept(f);
            }
        } finally {
            adviseForSearch();
        }
    }

    /**
     * Random access for the file whose rows search reads scattered over it (the node or item embeddings); the kernel's
     * read-around for the rest, whose ids and tables are read in runs and binary searches. Measured on a cold 4M-item
     * tree segment (docs/BENCHMARKS.md, "Cold segments"): random embeddings cut the first query from 156 to 122 ms;
     * random everything slowed queries 2-10 from 28 to 63 ms.
     */
    void adviseForSearch() {
        for (MemorySegment mapping : mappings) {
            PageAdvice.advise(mapping, mapping == randomAccess ? PageAdvice.Access.RANDOM : PageAdvice.Access.NORMAL);
        }
    }

    /** Gives {@code advice} for every mapped file. */
    void advise(PageAdvice.Access advice) {
        for (MemorySegment mapping : mappings) {
            PageAdvice.advise(mapping, advice);
        }
    }

    /** The data file {@code name}. */
    FramedFile file(String name) {
        return files[indexOf(name)];
    }

    /** The whole mapping of data file {@code name}. */
    MemorySegment mapping(String name) {
        return mappings.get(1 + indexOf(name));
    }

    private int indexOf(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(name + " is not a file of this index kind: " + names);
        }
        return i;
    }

    /** The data files, then the meta file. */
    FramedFile[] all() {
        return files.clone();
    }

    /** Byte lengths, in {@link #all()} order. */
    long[] lengths() {
        return lengths.clone();
    }

    /** Every mapping, meta file first. */
    List<MemorySegment> mappings() {
        return mappings;
    }

    Map<String, String> properties() {
        return properties;
    }

    private MemorySegment map(String name) throws IOException {
        Path file = directory.resolve(name);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            mappings.add(mapping);
            // Before the first read: the open touches a header and a footer per file, so a fault should read its
            // page and not the megabytes around it (on a cold 4M-item segment with 8 MiB device read-ahead the
            // open took 44 ms instead of 5). The reader sets each file's advice for serving afterwards.
            PageAdvice.advise(mapping, PageAdvice.Access.RANDOM);
            return mapping;
        } catch (NoSuchFileException e) {
            throw new CorruptSegmentException(file.toString(), "file is missing", e);
        }
    }

    private String resource(String name) {
        return directory.resolve(name).toString();
    }
}
