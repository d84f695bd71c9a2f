package dev.arbor.reader;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.CorruptSegmentException;
import dev.arbor.format.ModelKind;
import dev.arbor.format.SegmentFormat;
import dev.arbor.format.SegmentVersionException;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged segments fail with an error naming the file; none opens and answers. */
class CorruptionTest {
    private static final List<String> FILES = new ArrayList<>(List.of(SegmentFormat.TREE_SEGMENT_FILES));

    static {
        FILES.add(SegmentFormat.META_FILE);
    }

    @TempDir
    Path dir;
    Path segment;

    @BeforeEach
    void write() throws Exception {
        segment = SegmentWriter.write(dir, SyntheticIndex.generate(300, 2, ModelKind.ATTENTION_DNN, 1));
    }

    @Test
    void truncatedFilesFailAtOpen() throws Exception {
        for (String name : FILES) {
            for (int cut : new int[] {1, 8, 17, 100}) {
                Path copy = copySegment(name + "-cut" + cut);
                Path file = copy.resolve(name);
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(raf.length() - cut);
                }
                CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> TreeSegment.open(copy).close());
                assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            }
        }
    }

    @Test
    void flippedBytesFailAtOpenOrIntegrityCheck() throws Exception {
        for (String name : FILES) {
            long length = Files.size(segment.resolve(name));
            for (long pos : new long[] {0, 5, 20, 40, 70, length / 3, length / 2, length - 20, length - 9, length - 1}) {
                Path copy = copySegment(name + "-flip" + pos);
                Path file = copy.resolve(name);
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.seek(pos);
                    int b = raf.read();
                    raf.seek(pos);
                    raf.write(b ^ 0x10);
                }
                CorruptSegmentException e = assertThrows(CorruptSegmentException.class,
                        () -> TreeSegment.openVerified(copy).close(), name + " flipped at " + pos);
                assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            }
        }
    }

    @Test
    void fileFromAnotherSegmentIsRejected() throws Exception {
        Path other = SegmentWriter.write(dir, SyntheticIndex.generate(300, 2, ModelKind.ATTENTION_DNN, 1));
        Files.copy(other.resolve("embeddings.arb"), segment.resolve("embeddings.arb"), StandardCopyOption.REPLACE_EXISTING);
        CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> TreeSegment.open(segment).close());
        assertTrue(e.getMessage().contains("embeddings.arb") && e.getMessage().contains("another segment"), e.getMessage());
    }

    @Test
    void newerFormatVersionIsRefusedWithVersions() throws Exception {
        Path file = segment.resolve("tree.arb");
        int versionOffset = 4 + 1 + SegmentFormat.CODEC_TREE.length();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(versionOffset);
            raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(SegmentFormat.VERSION_CURRENT + 1).array());
        }
        SegmentVersionException e = assertThrows(SegmentVersionException.class, () -> TreeSegment.open(segment).close());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("version 2")
                && e.getMessage().contains("versions 1 to 1"), e.getMessage());
    }

    @Test
    void directoryWithoutCommitSaysSo() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> IndexDirectory.openLatest(empty));
        assertTrue(e.getMessage().contains("commit.arb") && e.getMessage().contains("no commit"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() throws Exception {
        Files.delete(segment.resolve("model.arb"));
        CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> TreeSegment.open(segment).close());
        assertTrue(e.getMessage().contains("model.arb") && e.getMessage().contains("missing"), e.getMessage());
    }

    private Path copySegment(String name) throws Exception {
        Path copy = Files.createDirectory(dir.resolve("copy-" + name));
        for (String f : FILES) {
            Files.copy(segment.resolve(f), copy.resolve(f));
        }
        return copy;
    }
}
