package dev.arbor.reader;

import static dev.arbor.format.SegmentFormat.*;

import dev.arbor.format.CorruptSegmentException;
import dev.arbor.format.ElementType;
import dev.arbor.format.FramedFile;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TensorSpec;
import dev.arbor.format.HierarchicalHistory;
import dev.arbor.format.TreeShape;
import dev.arbor.scorer.Kernels;
import dev.arbor.scorer.ModelTensors;
import dev.arbor.scorer.NodeScorer;
import dev.arbor.search.SearchableTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An open, memory-mapped tree segment: zero-copy views of the tree, item ids and categories, embeddings and model.
 *
 * <p>{@link #open} checks every file's frame (header, version, segment id, section table, footer) and
 * that the files agree with each other (counts, dimensions, sizes), so no stored count or offset can
 * steer a read outside its region; the small meta file's CRC is verified too. Of the other files' payload
 * it reads only the category names, which it checks and keeps in a lookup map; {@link #checkIntegrity()}
 * verifies every CRC32 and every item's category (run it once when a segment arrives on a machine).
 * Thread-safe for reads; {@link #close()} unmaps deterministically, after which any access fails instead
 * of touching freed memory.
 */
public final class TreeSegment implements SearchableTree, AutoCloseable {
    private static final ValueLayout.OfInt INT = FramedFile.INT;
    private static final ValueLayout.OfLong LONG = FramedFile.LONG;

    private final Path directory;
    private final Arena arena;
    private final FramedFile[] files;
    /** Meta file first, then the data files. */
    private final List<MemorySegment> mappings;
    private final FramedFile itemsFile;
    /** The whole mapped embeddings file (its one section is {@link #embeddings}). */
    private final MemorySegment embeddingsFile;
    private final long[] fileLengths;
    private final Map<String, String> properties;
    private final TreeShape shape;
    private final HierarchicalHistory hierarchy;
    private final MemorySegment leafItems, itemLeaves, nonEmpty, itemIds, sortedIds, sortedOrdinals, embeddings;
    /** Each item's category; null when the segment has no categories. */
    private final MemorySegment itemCategories;
    private final String[] categoryNames;
    private final Map<String, Integer> categoryOrdinals;
    private final ModelTensors model;
    private final NodeScorer scorer;

    private TreeSegment(Path directory, Arena arena) throws IOException {
        this.directory = directory;
        this.arena = arena;
        SegmentFiles segmentFiles = new SegmentFiles(directory, arena, INDEX_KIND_TREE, List.of(TREE_SEGMENT_FILES),
                List.of(CODEC_TREE, CODEC_ITEMS, CODEC_EMBEDDINGS, CODEC_MODEL));
        files = segmentFiles.all();
        fileLengths = segmentFiles.lengths();
        mappings = segmentFiles.mappings();
        properties = segmentFiles.properties();
        FramedFile tree = segmentFiles.file(TREE_FILE), items = segmentFiles.file(ITEMS_FILE);
        FramedFile emb = segmentFiles.file(EMBEDDINGS_FILE), modelFile = segmentFiles.file(MODEL_FILE);
        itemsFile = items;
        embeddingsFile = segmentFiles.mapping(EMBEDDINGS_FILE);
        int branching = tree.intField(0, "branching", 2, 1024);
        int levels = tree.intField(1, "levels", 1, 64);
        int itemCount = tree.intField(2, "itemCount", 1, Integer.MAX_VALUE);
        try {
            this.shape = new TreeShape(branching, levels, itemCount);
        } catch (IllegalArgumentException e) {
            throw new CorruptSegmentException(tree.resource(), "inconsistent tree: " + e.getMessage());
        }
        try {
            hierarchy = HierarchicalHistory.fromProperties(shape, properties);
        } catch (IllegalArgumentException e) {
            throw new CorruptSegmentException(directory.resolve(META_FILE).toString(), e.getMessage());
        }
        leafItems = tree.section(TREE_LEAF_ITEMS, "leafItems", ElementType.I32, shape.leafCount());
        itemLeaves = tree.section(TREE_ITEM_LEAVES, "itemLeaves", ElementType.I32, itemCount);
        nonEmpty = tree.section(TREE_NONEMPTY_BITS, "nonEmptyBits", ElementType.I64, (shape.nodeCount() + 63L) >>> 6);
        requireAgreement(items, 0, "itemCount", itemCount, tree);
        itemIds = items.section(ITEMS_IDS, "itemIds", ElementType.I64, itemCount);
        sortedIds = items.section(ITEMS_SORTED_IDS, "sortedIds", ElementType.I64, itemCount);
        sortedOrdinals = items.section(ITEMS_SORTED_ORDINALS, "sortedOrdinals", ElementType.I32, itemCount);
        // Field 1 and its sections came after the first segments: a file with one field has no categories.
        boolean hasCategories = items.fieldCount() > 1;
        categoryOrdinals = new HashMap<>();
        categoryNames = hasCategories ? readCategoryNames(items, categoryOrdinals) : new String[0];
        itemCategories = hasCategories ? items.section(ITEMS_CATEGORIES, "itemCategories", ElementType.I32, itemCount) : null;

        ModelArchitecture arch = readArchitecture(modelFile);
        requireAgreement(emb, 0, "nodeCount", shape.nodeCount(), tree);
        requireAgreement(emb, 1, "dim", arch.embeddingDim(), modelFile);
        int encoding = emb.intField(2, "encoding", 0, Integer.MAX_VALUE);
        if (encoding != ENCODING_F32) {
            throw new CorruptSegmentException(emb.resource(), "embedding encoding " + encoding
                    + " is not supported (this reader supports " + ENCODING_F32 + " = float32)");
        }
        embeddings = emb.section(EMBEDDINGS_NODES, "nodeEmbeddings", ElementType.F32,
                (long) shape.nodeCount() * arch.embeddingDim());
        List<TensorSpec> specs = arch.tensors();
        MemorySegment[] tensors = new MemorySegment[specs.size()];
        for (int i = 0; i < tensors.length; i++) {
            tensors[i] = modelFile.section(MODEL_FIRST_TENSOR + i, specs.get(i).name(), ElementType.F32, specs.get(i).size());
        }
        model = new ModelTensors(arch, tensors);
        scorer = new NodeScorer(model, embeddings, Kernels.best());
        adviseForSearch();
    }

    /** Opens the segment in {@code directory} with the cheap checks only. */
    public static TreeSegment open(Path directory) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return new TreeSegment(directory, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Opens and then verifies every checksum; the segment is closed again if a check fails. */
    public static TreeSegment openVerified(Path directory) throws IOException {
        TreeSegment segment = open(directory);
        try {
            segment.checkIntegrity();
            return segment;
        } catch (IOException | RuntimeException e) {
            segment.close();
            throw e;
        }
    }

    /** Field {@code name} of {@code f} must equal {@code expected}, which {@code source} determines. */
    private static void requireAgreement(FramedFile f, int index, String name, long expected, FramedFile source)
            throws CorruptSegmentException {
        long v = f.field(index, name);
        if (v != expected) {
            throw new CorruptSegmentException(f.resource(), "field " + name + " is " + v + ", but " + source.resource()
                    + " implies " + expected + ": the files disagree");
        }
    }

    /**
     * Category names, each put into {@code ordinals}: ascending ends that leave no name empty and fill the bytes
     * exactly, each name valid UTF-8 and distinct.
     */
    private static String[] readCategoryNames(FramedFile items, Map<String, Integer> ordinals)
            throws CorruptSegmentException {
        int count = items.intField(1, "categoryCount", 1, Integer.MAX_VALUE);
        MemorySegment ends = items.section(ITEMS_CATEGORY_NAME_ENDS, "categoryNameEnds", ElementType.I64, count);
        MemorySegment bytes = items.section(ITEMS_CATEGORY_NAMES, "categoryNames", ElementType.U8);
        String[] names = new String[count];
        long start = 0;
        for (int c = 0; c < count; c++) {
            long end = ends.getAtIndex(LONG, c);
            if (end <= start || end > bytes.byteSize()) {
                throw new CorruptSegmentException(items.resource(), "section categoryNameEnds: name " + c + " ends at "
                        + end + ", outside (" + start + ", " + bytes.byteSize() + "]: names are non-empty and lie in"
                        + " categoryNames");
            }
            try {
                names[c] = StandardCharsets.UTF_8.newDecoder()
                        .decode(ByteBuffer.wrap(bytes.asSlice(start, end - start).toArray(ValueLayout.JAVA_BYTE))).toString();
            } catch (CharacterCodingException e) {
                throw new CorruptSegmentException(items.resource(), "section categoryNames: name " + c
                        + " is not valid UTF-8");
            }
            Integer first = ordinals.putIfAbsent(names[c], c);
            if (first != null) {
                throw new CorruptSegmentException(items.resource(), "section categoryNames: name " + c + " \""
                        + names[c] + "\" repeats name " + first);
            }
            start = end;
        }
        if (start != bytes.byteSize()) {
            throw new CorruptSegmentException(items.resource(), "section categoryNameEnds: the names end at " + start
                    + ", but categoryNames has " + bytes.byteSize() + " bytes");
        }
        return names;
    }

    private static ModelArchitecture readArchitecture(FramedFile f) throws CorruptSegmentException {
        int kindCode = f.intField(0, "modelKind", 0, Integer.MAX_VALUE);
        ModelKind kind = null;
        for (ModelKind k : ModelKind.values()) {
            if (k.code == kindCode) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new CorruptSegmentException(f.resource(), "unknown model kind " + kindCode);
        }
        int dim = f.intField(1, "dim", 1, 4096);
        int attention = f.intField(2, "attentionHidden", 0, 65536);
        int windows = f.intField(3, "windowCount", 1, 256);
        int layers = f.intField(4, "hiddenLayerCount", 1, 16);
        int[] windowSizes = new int[windows];
        for (int i = 0; i < windows; i++) {
            windowSizes[i] = f.intField(5 + i, "windowSize" + i, 1, 4096);
        }
        int[] hidden = new int[layers];
        for (int i = 0; i < layers; i++) {
            hidden[i] = f.intField(5 + windows + i, "hidden" + i, 1, 65536);
        }
        try {
            return new ModelArchitecture(kind, dim, windowSizes, attention, hidden);
        } catch (IllegalArgumentException e) {
            throw new CorruptSegmentException(f.resource(), "invalid model architecture: " + e.getMessage());
        }
    }

    /**
     * Verifies the CRC32 of every file, and that every item's category is -1 or one of the segment's; the error
     * names the file that fails. The pass reads every byte in order, so it asks for read-ahead while it runs
     * and random access again afterwards.
     */
    public void checkIntegrity() throws CorruptSegmentException {
        checkIntegrity(file -> { });
    }

    /** {@link #checkIntegrity()}, telling {@code verified} about each file once its checksum has passed. */
    public void checkIntegrity(Consumer<FramedFile> verified) throws CorruptSegmentException {
        advise(PageAdvice.Access.SEQUENTIAL);
        try {
            for (FramedFile f : files) {
                f.checkIntegrity();
                if (f == itemsFile) {
                    checkItemCategories();
                }
                verified.accept(f);
            }
        } finally {
            adviseForSearch();
        }
    }

    /** Every item's category must be a category of the segment or -1: a value beyond would index past a filter's table. */
    private void checkItemCategories() throws CorruptSegmentException {
        if (itemCategories == null) {
            return;
        }
        for (int item = 0; item < shape.itemCount(); item++) {
            int c = itemCategories.getAtIndex(INT, item);
            if (c < -1 || c >= categoryNames.length) {
                throw new CorruptSegmentException(itemsFile.resource(), categoryOutOfRange(item, c));
            }
        }
    }

    private String categoryOutOfRange(int item, int category) {
        return "section itemCategories: item " + item + " has category " + category + ", outside [-1, "
                + categoryNames.length + ")";
    }

    /**
     * Random access for the node embeddings, whose rows beam search reads scattered over the file; the
     * kernel's read-around for the rest, whose ids and tree bits are read in runs and binary searches.
     * Measured on a cold 4M-item segment (docs/BENCHMARKS.md, "Cold segments"): random embeddings cut the
     * first query from 156 to 122 ms; random everything slowed queries 2-10 from 28 to 63 ms.
     */
    private void adviseForSearch() {
        for (MemorySegment mapping : mappings) {
            PageAdvice.advise(mapping, mapping == embeddingsFile ? PageAdvice.Access.RANDOM : PageAdvice.Access.NORMAL);
        }
    }

    /** "segment DIR", for error messages. */
    @Override
    public String describe() {
        return "segment " + directory;
    }

    public Path directory() {
        return directory;
    }

    public TreeShape shape() {
        return shape;
    }

    @Override
    public HierarchicalHistory hierarchy() {
        return hierarchy;
    }

    public int itemCount() {
        return shape.itemCount();
    }

    public ModelArchitecture architecture() {
        return model.architecture();
    }

    public ModelTensors model() {
        return model;
    }

    public NodeScorer scorer() {
        return scorer;
    }

    public Map<String, String> properties() {
        return properties;
    }

    public FramedFile[] files() {
        return files.clone();
    }

    public long[] fileLengths() {
        return fileLengths.clone();
    }

    /** Node embeddings, {@code nodeCount x dim} little-endian floats, 64-byte aligned in the file. */
    public MemorySegment embeddings() {
        return embeddings;
    }

    /** The whole mapping of each file (read-only), meta file first; for paging tools such as {@code mincore}. */
    public List<MemorySegment> mappings() {
        return List.copyOf(mappings);
    }

    /**
     * Gives paging advice for every mapped file of the segment. The files are mapped with
     * {@link PageAdvice.Access#RANDOM} already: beam search reads rows and ids at random, and on a cold
     * segment it cut the first query from 157 to 113 ms at 4M items (docs/BENCHMARKS.md, "Cold segments").
     * {@link PageAdvice.Access#WILLNEED} queues
     * read-ahead of the whole segment; measured on a cold segment it made the first query slower (it waits
     * behind the queued reads: 243 ms against 157 ms without advice at 4M items), so it suits a segment
     * warmed before traffic reaches it, not one already serving. A no-op where {@link PageAdvice#supported()}
     * is false.
     *
     * @throws IllegalStateException when the segment is closed or the kernel refuses the advice
     */
    public void advise(PageAdvice.Access advice) {
        for (MemorySegment mapping : mappings) {
            PageAdvice.advise(mapping, advice);
        }
    }

    public long itemId(int ordinal) {
        return itemIds.getAtIndex(LONG, ordinal);
    }

    /**
     * Ordinal of external item id {@code id}, or -1; a binary search over the mapped sorted ids.
     *
     * @throws UncheckedIOException with a {@link CorruptSegmentException} when the stored ordinal is out of range
     */
    public int ordinalOf(long id) {
        long lo = 0, hi = shape.itemCount() - 1L;
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            long v = sortedIds.getAtIndex(LONG, mid);
            if (v < id) {
                lo = mid + 1;
            } else if (v > id) {
                hi = mid - 1;
            } else {
                int ordinal = sortedOrdinals.getAtIndex(INT, mid);
                if (ordinal < 0 || ordinal >= shape.itemCount()) {
                    // Callers index other arrays with it: a damaged value must not escape as a plain IndexOutOfBounds.
                    throw new UncheckedIOException(new CorruptSegmentException(itemsFile.resource(), "sorted ordinal "
                            + ordinal + " is outside [0, " + shape.itemCount() + "); run checkIntegrity()"));
                }
                return ordinal;
            }
        }
        return -1;
    }

    /** Number of item categories; 0 when the segment has none (every {@link #categoryOf} is -1). */
    public int categoryCount() {
        return categoryNames.length;
    }

    /**
     * Name of category {@code category}, which the segment guarantees non-empty and distinct from the others.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= category < categoryCount()}
     */
    public String categoryName(int category) {
        return categoryNames[category];
    }

    /**
     * Category of item {@code itemOrdinal}, in {@code [0, categoryCount())}, or -1 when the item or the segment has
     * none. A read of the mapped file; allocates nothing.
     *
     * @throws UncheckedIOException with a {@link CorruptSegmentException} when the stored category is out of range
     *                              (possible only in a segment opened without {@link #checkIntegrity()})
     */
    public int categoryOf(int itemOrdinal) {
        if (itemCategories == null) {
            Objects.checkIndex(itemOrdinal, shape.itemCount());
            return -1;
        }
        int c = itemCategories.getAtIndex(INT, itemOrdinal);
        if (c < -1 || c >= categoryNames.length) {
            // Callers index filter tables with it: a damaged value must not escape as a plain IndexOutOfBounds.
            throw new UncheckedIOException(new CorruptSegmentException(itemsFile.resource(),
                    categoryOutOfRange(itemOrdinal, c) + "; run checkIntegrity()"));
        }
        return c;
    }

    /** Ordinal of the category named {@code name}, or -1 when the segment has no such category. */
    public int categoryOrdinal(String name) {
        return categoryOrdinals.getOrDefault(name, -1);
    }

    /** Leaf position (0-based on the leaf level) of item {@code ordinal}. */
    public int leafOf(int ordinal) {
        return itemLeaves.getAtIndex(INT, ordinal);
    }

    /** Item ordinal on leaf position {@code leaf}, or -1 for a padding leaf. */
    public int itemAtLeaf(int leaf) {
        return leafItems.getAtIndex(INT, leaf);
    }

    /** Whether any item lies under {@code node}. */
    public boolean nonEmpty(int node) {
        return (nonEmpty.getAtIndex(LONG, node >>> 6) & (1L << node)) != 0;
    }

    @Override
    public void close() {
        arena.close();
    }
}
