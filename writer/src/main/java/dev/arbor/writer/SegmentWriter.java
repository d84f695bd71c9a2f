package dev.arbor.writer;

import static dev.arbor.format.SegmentFormat.*;

import dev.arbor.format.ElementType;
import dev.arbor.format.FramedFileWriter;
import dev.arbor.format.FramedFileWriter.Section;
import dev.arbor.format.LatticeIndex;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.Properties;
import dev.arbor.format.TreeIndex;
import dev.arbor.format.TreeShape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Publishes a {@link TreeIndex} or a {@link LatticeIndex} as a new segment of an index directory, crash-safely:
 * <ol>
 *   <li>every file is written and fsynced inside {@code .tmp-seg-N/};</li>
 *   <li>that directory is renamed to {@code seg-N} and the index directory fsynced;</li>
 *   <li>{@code commit.arb} is written to {@code .tmp-commit.arb}, fsynced, renamed over the old one, and
 *       the directory fsynced again.</li>
 * </ol>
 * A crash at any point leaves the previous commit live; the next writer deletes the leftovers. A
 * {@code write.lock} file keeps two writers from interleaving.
 */
public final class SegmentWriter {
    /** Segments kept besides the new one, so a reader that just opened the previous commit can finish. */
    public static final int KEEP_PREVIOUS = 1;
    private static final String LOCK_FILE = "write.lock";

    private SegmentWriter() {
    }

    /** Writes {@code index} as the next segment of {@code indexDir} and commits it; returns the segment dir. */
    public static Path write(Path indexDir, TreeIndex index) throws IOException {
        return publish(indexDir, (dir, segmentId) -> writeSegmentFiles(dir, index, segmentId));
    }

    /**
     * Writes the lattice {@code index} as the next segment of {@code indexDir} and commits it; returns the segment dir.
     * Generations are shared by the index kinds: the commit names the live segment, whose meta file says its kind.
     */
    public static Path write(Path indexDir, LatticeIndex index) throws IOException {
        return publish(indexDir, (dir, segmentId) -> LatticeFiles.write(dir, index, segmentId));
    }

    /** Writes the files of one segment, every one with {@code segmentId}, into a fresh directory. */
    @FunctionalInterface
    private interface SegmentContent {
        void write(Path dir, byte[] segmentId) throws IOException;
    }

    private static Path publish(Path indexDir, SegmentContent content) throws IOException {
        Files.createDirectories(indexDir);
        try (FileChannel lockChannel = FileChannel.open(indexDir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = tryLock(lockChannel, indexDir)) {
            deleteLeftovers(indexDir);
            long generation = nextGeneration(indexDir);
            String name = SEGMENT_DIR_PREFIX + generation;
            byte[] segmentId = new byte[SEGMENT_ID_LENGTH];
            new SecureRandom().nextBytes(segmentId);
            Path temp = indexDir.resolve(TEMP_PREFIX + name);
            Files.createDirectory(temp);
            content.write(temp, segmentId);
            fsyncDirectory(temp);
            Path published = indexDir.resolve(name);
            Files.move(temp, published, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(indexDir);
            writeCommit(indexDir, generation, name, segmentId);
            deleteOldSegments(indexDir, generation);
            return published;
        }
    }

    private static FileLock tryLock(FileChannel channel, Path indexDir) throws IOException {
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException(indexDir.resolve(LOCK_FILE) + ": another writer holds the lock");
            }
            return lock;
        } catch (OverlappingFileLockException e) {
            throw new IOException(indexDir.resolve(LOCK_FILE) + ": another writer in this JVM holds the lock", e);
        }
    }

    static void writeSegmentFiles(Path dir, TreeIndex index, byte[] segmentId) throws IOException {
        writeTree(dir.resolve(TREE_FILE), index, segmentId);
        writeItems(dir.resolve(ITEMS_FILE), index.itemIds(), index.itemCategories(), index.categoryNames(),
                index.itemNames(), segmentId);
        writeEmbeddings(dir.resolve(EMBEDDINGS_FILE), index, segmentId);
        writeModel(dir.resolve(MODEL_FILE), index, segmentId);
        writeMeta(dir, INDEX_KIND_TREE, TREE_SEGMENT_FILES, index.metadata(), index.model().architecture().toString(),
                segmentId);
    }

    /**
     * Writes {@code meta.arb} for the data files {@code files} (written already) of an index of kind {@code kind}: their
     * lengths, and {@code metadata} with the creation time (unless given) and the model's description.
     */
    static void writeMeta(Path dir, int kind, String[] files, Map<String, String> metadata, String model,
                          byte[] segmentId) throws IOException {
        long[] lengths = new long[files.length];
        for (int i = 0; i < files.length; i++) {
            lengths[i] = Files.size(dir.resolve(files[i]));
        }
        Map<String, String> props = new LinkedHashMap<>(metadata);
        props.putIfAbsent("created", Instant.now().toString());
        props.put("model", model);
        byte[] encoded = Properties.encode(props);
        try (FramedFileWriter w = new FramedFileWriter(dir.resolve(META_FILE), CODEC_META, VERSION_CURRENT, segmentId,
                new long[] {kind, files.length},
                List.of(new Section(META_FILE_LENGTHS, ElementType.I64, lengths.length),
                        new Section(META_PROPERTIES, ElementType.U8, encoded.length)))) {
            w.beginSection(0);
            w.writeLongs(lengths);
            w.beginSection(1);
            w.writeBytes(encoded);
            w.finish();
        }
    }

    private static void writeTree(Path file, TreeIndex index, byte[] segmentId) throws IOException {
        TreeShape shape = index.shape();
        int[] leafItems = index.leafToItem();
        long[] nonEmpty = new long[(shape.nodeCount() + 63) >>> 6];
        int firstLeaf = shape.firstLeaf();
        for (int leaf = 0; leaf < leafItems.length; leaf++) {
            if (leafItems[leaf] < 0) {
                continue;
            }
            for (int node = firstLeaf + leaf; ; node = shape.parent(node)) {
                if ((nonEmpty[node >>> 6] & (1L << node)) != 0) {
                    break; // the ancestors are marked already
                }
                nonEmpty[node >>> 6] |= 1L << node;
                if (node == 0) {
                    break;
                }
            }
        }
        try (FramedFileWriter w = new FramedFileWriter(file, CODEC_TREE, VERSION_CURRENT, segmentId,
                new long[] {shape.branching(), shape.levels(), shape.itemCount()},
                List.of(new Section(TREE_LEAF_ITEMS, ElementType.I32, leafItems.length),
                        new Section(TREE_ITEM_LEAVES, ElementType.I32, shape.itemCount()),
                        new Section(TREE_NONEMPTY_BITS, ElementType.I64, nonEmpty.length)))) {
            w.beginSection(0);
            w.writeInts(leafItems);
            w.beginSection(1);
            w.writeInts(index.itemToLeaf());
            w.beginSection(2);
            w.writeLongs(nonEmpty);
            w.finish();
        }
    }

    /**
     * Writes {@code items.arb}, which every index kind shares; without categories or item names (empty lists), as
     * before each existed.
     */
    static void writeItems(Path file, long[] ids, int[] categories, List<String> names, List<String> itemNames,
            byte[] segmentId) throws IOException {
        int n = ids.length;
        // Sort ordinals by id with a primitive sort on (id, ordinal) packed in parallel arrays.
        long[] sortedIds = ids.clone();
        Arrays.sort(sortedIds);
        int[] sortedOrdinals = new int[n];
        for (int ordinal = 0; ordinal < n; ordinal++) {
            sortedOrdinals[Arrays.binarySearch(sortedIds, ids[ordinal])] = ordinal;
        }
        List<Section> sections = new ArrayList<>(List.of(new Section(ITEMS_IDS, ElementType.I64, n),
                new Section(ITEMS_SORTED_IDS, ElementType.I64, n), new Section(ITEMS_SORTED_ORDINALS, ElementType.I32, n)));
        ByteArrayOutputStream nameBytes = new ByteArrayOutputStream();
        long[] nameEnds = new long[names.size()];
        for (int c = 0; c < nameEnds.length; c++) {
            nameBytes.writeBytes(names.get(c).getBytes(StandardCharsets.UTF_8));
            nameEnds[c] = nameBytes.size();
        }
        // Without categories the file is exactly what a writer before categories wrote (FORMAT.md, items.arb).
        long[] fields = names.isEmpty() ? new long[] {n} : new long[] {n, names.size()};
        if (!names.isEmpty()) {
            sections.add(new Section(ITEMS_CATEGORIES, ElementType.I32, n));
            sections.add(new Section(ITEMS_CATEGORY_NAME_ENDS, ElementType.I64, nameEnds.length));
            sections.add(new Section(ITEMS_CATEGORY_NAMES, ElementType.U8, nameBytes.size()));
        }
        ByteArrayOutputStream itemNameBytes = new ByteArrayOutputStream();
        long[] itemNameEnds = new long[itemNames.size()];
        for (int i = 0; i < itemNameEnds.length; i++) {
            itemNameBytes.writeBytes(itemNames.get(i).getBytes(StandardCharsets.UTF_8));
            itemNameEnds[i] = itemNameBytes.size();
        }
        if (!itemNames.isEmpty()) {
            sections.add(new Section(ITEMS_NAME_ENDS, ElementType.I64, n));
            sections.add(new Section(ITEMS_NAMES, ElementType.U8, itemNameBytes.size()));
        }
        try (FramedFileWriter w = new FramedFileWriter(file, CODEC_ITEMS, VERSION_CURRENT, segmentId, fields, sections)) {
            w.beginSection(0);
            w.writeLongs(ids);
            w.beginSection(1);
            w.writeLongs(sortedIds);
            w.beginSection(2);
            w.writeInts(sortedOrdinals);
            if (!names.isEmpty()) {
                w.beginSection(3);
                w.writeInts(categories);
                w.beginSection(4);
                w.writeLongs(nameEnds);
                w.beginSection(5);
                w.writeBytes(nameBytes.toByteArray());
            }
            if (!itemNames.isEmpty()) {
                w.beginSection(sections.size() - 2);
                w.writeLongs(itemNameEnds);
                w.beginSection(sections.size() - 1);
                w.writeBytes(itemNameBytes.toByteArray());
            }
            w.finish();
        }
    }

    private static void writeEmbeddings(Path file, TreeIndex index, byte[] segmentId) throws IOException {
        float[] emb = index.nodeEmbeddings();
        try (FramedFileWriter w = new FramedFileWriter(file, CODEC_EMBEDDINGS, VERSION_CURRENT, segmentId,
                new long[] {index.shape().nodeCount(), index.dim(), ENCODING_F32},
                List.of(new Section(EMBEDDINGS_NODES, ElementType.F32, emb.length)))) {
            w.beginSection(0);
            w.writeFloats(emb, 0, emb.length);
            w.finish();
        }
    }

    private static void writeModel(Path file, TreeIndex index, byte[] segmentId) throws IOException {
        ModelArchitecture arch = index.model().architecture();
        List<Long> fields = new ArrayList<>(List.of((long) arch.kind().code, (long) arch.embeddingDim(),
                (long) arch.attentionHidden(), (long) arch.windowCount(), (long) arch.mlpHidden().length));
        addAll(fields, arch.windowSizes());
        addAll(fields, arch.mlpHidden());
        writeTensors(file, CODEC_MODEL, fields, MODEL_FIRST_TENSOR, index.model().tensors(), segmentId);
    }

    static void addAll(List<Long> fields, int[] values) {
        for (int v : values) {
            fields.add((long) v);
        }
    }

    /** Writes a file of f32 tensors, tensor i as section {@code firstTag + i}, after {@code fields}. */
    static void writeTensors(Path file, String codec, List<Long> fields, int firstTag, float[][] tensors,
                             byte[] segmentId) throws IOException {
        List<Section> sections = new ArrayList<>();
        for (int i = 0; i < tensors.length; i++) {
            sections.add(new Section(firstTag + i, ElementType.F32, tensors[i].length));
        }
        try (FramedFileWriter w = new FramedFileWriter(file, codec, VERSION_CURRENT, segmentId,
                fields.stream().mapToLong(Long::longValue).toArray(), sections)) {
            for (int i = 0; i < tensors.length; i++) {
                w.beginSection(i);
                w.writeFloats(tensors[i], 0, tensors[i].length);
            }
            w.finish();
        }
    }

    private static void writeCommit(Path indexDir, long generation, String segmentName, byte[] segmentId)
            throws IOException {
        Path temp = indexDir.resolve(TEMP_PREFIX + COMMIT_FILE);
        Files.deleteIfExists(temp);
        byte[] name = segmentName.getBytes(StandardCharsets.UTF_8);
        try (FramedFileWriter w = new FramedFileWriter(temp, CODEC_COMMIT, VERSION_CURRENT, segmentId,
                new long[] {generation}, List.of(new Section(COMMIT_SEGMENT_NAME, ElementType.U8, name.length)))) {
            w.beginSection(0);
            w.writeBytes(name);
            w.finish();
        }
        Files.move(temp, indexDir.resolve(COMMIT_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(indexDir);
    }

    /** Removes what a crashed writer left behind; only ever names starting with {@code .tmp-}. */
    static void deleteLeftovers(Path indexDir) throws IOException {
        try (Stream<Path> entries = Files.list(indexDir)) {
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX)).toList()) {
                deleteRecursively(p);
            }
        }
    }

    private static long nextGeneration(Path indexDir) throws IOException {
        try (Stream<Path> entries = Files.list(indexDir)) {
            return Math.max(0, entries.mapToLong(SegmentWriter::generationOf).max().orElse(0)) + 1;
        }
    }

    private static long generationOf(Path p) {
        String name = p.getFileName().toString();
        if (!name.startsWith(SEGMENT_DIR_PREFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(SEGMENT_DIR_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void deleteOldSegments(Path indexDir, long liveGeneration) throws IOException {
        try (Stream<Path> entries = Files.list(indexDir)) {
            for (Path p : entries.filter(p -> {
                long g = generationOf(p);
                return g >= 0 && g < liveGeneration - KEEP_PREVIOUS;
            }).toList()) {
                deleteRecursively(p);
            }
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            try (Stream<Path> children = Files.list(p)) {
                for (Path c : children.toList()) {
                    deleteRecursively(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
