package dev.arbor.reader;

import static dev.arbor.format.SegmentFormat.*;

import dev.arbor.format.CorruptSegmentException;
import dev.arbor.format.ElementType;
import dev.arbor.format.FramedFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Supplier;

/** An index directory: segments plus the commit file that names the live one. */
public final class IndexDirectory {
    private IndexDirectory() {
    }

    /** What {@code commit.arb} says: the generation and the live segment's directory and id. */
    public record Commit(long generation, String segmentName, byte[] segmentId) {
    }

    /** Reads and fully verifies the commit file (it is tiny, so the CRC is always checked). */
    public static Commit readCommit(Path indexDir) throws IOException {
        Path file = indexDir.resolve(COMMIT_FILE);
        if (!Files.isDirectory(indexDir)) {
            throw new NoSuchFileException(indexDir.toString(), null, "not an index directory");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    "no commit: the directory holds no published segment (was the writer interrupted?)");
        }
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            FramedFile f = FramedFile.open(data, file.toString(), CODEC_COMMIT, VERSION_START, VERSION_CURRENT, null);
            f.checkIntegrity();
            long generation = f.field(0, "generation");
            byte[] name = f.section(COMMIT_SEGMENT_NAME, "segmentName", ElementType.U8).toArray(ValueLayout.JAVA_BYTE);
            String segmentName = new String(name, StandardCharsets.UTF_8);
            if (!segmentName.equals(SEGMENT_DIR_PREFIX + generation)) {
                throw new CorruptSegmentException(file.toString(), "names segment \"" + segmentName
                        + "\" but generation " + generation);
            }
            return new Commit(generation, segmentName, f.segmentId());
        }
    }

    /**
     * The index kind of the live segment ({@code SegmentFormat.INDEX_KIND_TREE} or {@code INDEX_KIND_PATH_LATTICE}),
     * which says whether to open it with {@link #openLatest} or {@link #openLatestLattice}; {@link #openLatestSearcher}
     * opens either. Generations are shared by the kinds, so it can change from one commit to the next.
     */
    public static int kind(Path indexDir) throws IOException {
        return SegmentFiles.indexKind(indexDir.resolve(readCommit(indexDir).segmentName()));
    }

    /** Opens the live tree segment (cheap checks), making sure it is the one the commit names. */
    public static TreeSegment openLatest(Path indexDir) throws IOException {
        return open(indexDir, readCommit(indexDir), false);
    }

    /** Opens the live tree segment and verifies every checksum. */
    public static TreeSegment openLatestVerified(Path indexDir) throws IOException {
        return open(indexDir, readCommit(indexDir), true);
    }

    /** Opens the live path-lattice segment (cheap checks), making sure it is the one the commit names. */
    public static LatticeSegment openLatestLattice(Path indexDir) throws IOException {
        return open(indexDir, readCommit(indexDir), LatticeSegment::open);
    }

    /** Opens the live path-lattice segment and verifies every checksum and its paths. */
    public static LatticeSegment openLatestLatticeVerified(Path indexDir) throws IOException {
        return open(indexDir, readCommit(indexDir), LatticeSegment::openVerified);
    }

    /**
     * Opens the live segment, of either kind, ready to search; with {@code verify}, every checksum (and a lattice's
     * paths) verified first.
     */
    public static SegmentSearcher openLatestSearcher(Path indexDir, boolean verify) throws IOException {
        return openSearcher(indexDir, readCommit(indexDir), verify);
    }

    /** Opens the segment {@code commit} names, of whichever kind it is, as a {@link SegmentSearcher}. */
    static SegmentSearcher openSearcher(Path indexDir, Commit commit, boolean verify) throws IOException {
        if (SegmentFiles.indexKind(indexDir.resolve(commit.segmentName())) == INDEX_KIND_PATH_LATTICE) {
            LatticeSegment segment = open(indexDir, commit, verify ? LatticeSegment::openVerified : LatticeSegment::open);
            return searcher(segment, () -> new LatticeSegmentSearcher(segment));
        }
        TreeSegment segment = open(indexDir, commit, verify);
        return searcher(segment, () -> new TreeSegmentSearcher(segment));
    }

    /** Sets the searcher up over {@code segment}, closing the segment if that fails (a lattice copies its model). */
    private static SegmentSearcher searcher(MappedSegment segment, Supplier<SegmentSearcher> setUp) {
        try {
            return setUp.get();
        } catch (RuntimeException | Error e) {
            segment.close();
            throw e;
        }
    }

    /** Opens the tree segment {@code commit} names, making sure it is the one the commit was written for. */
    static TreeSegment open(Path indexDir, Commit commit, boolean verify) throws IOException {
        return open(indexDir, commit, verify ? TreeSegment::openVerified : TreeSegment::open);
    }

    private static <S extends MappedSegment> S open(Path indexDir, Commit commit, MappedSegment.Opener<S> opener)
            throws IOException {
        Path dir = indexDir.resolve(commit.segmentName());
        S segment = opener.open(dir);
        byte[] id = segment.files()[0].segmentId();
        if (!Arrays.equals(id, commit.segmentId())) {
            segment.close();
            throw new CorruptSegmentException(dir.toString(), "segment id differs from the one in "
                    + indexDir.resolve(COMMIT_FILE) + ": the two come from different writes");
        }
        return segment;
    }
}
