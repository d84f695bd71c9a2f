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

    /**
     * Maps the meta file and the data files {@code names} (with codecs {@code codecs}, in the order of the meta file's
     * lengths) of an index of kind {@code indexKind}.
     *
     * @throws CorruptSegmentException naming the file whose check failed
     */
    SegmentFiles(Path directory, Arena arena, int indexKind, List<String> names, List<String> codecs) throws IOException {
        this.directory = directory;
        this.arena = arena;
        this.names = List.copyOf(names);
        String metaName = resource(META_FILE);
        FramedFile meta = FramedFile.open(map(META_FILE), metaName, CODEC_META, VERSION_START, VERSION_CURRENT, null);
        // The meta file is tiny and is the root of trust for the segment id and file lengths: always verify it.
        meta.checkIntegrity();
        byte[] segmentId = meta.segmentId();
        int kind = meta.intField(0, "indexKind", 0, Integer.MAX_VALUE);
        if (kind != indexKind) {
            throw new CorruptSegmentException(metaName, "index kind " + kind + " is not supported (this reader supports "
                    + indexKind + " = " + kindName(indexKind) + "; " + INDEX_KIND_PATH_LATTICE + " = path lattice is reserved)");
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
    }

    private static String kindName(int kind) {
        return kind == INDEX_KIND_TREE ? "tree" : kind == INDEX_KIND_PATH_LATTICE ? "path lattice" : "unknown";
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
