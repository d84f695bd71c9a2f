package dev.arbor.reader;

import static dev.arbor.format.SegmentFormat.*;

import dev.arbor.format.CorruptSegmentException;
import dev.arbor.format.ElementType;
import dev.arbor.format.FramedFile;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.ModelWeights;
import dev.arbor.format.TreeIndex;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An open, memory-mapped tree segment: zero-copy views of the tree, item ids and categories, embeddings and model.
 *
 * <p>{@link #open} checks every file's frame (header, version, segment id, section table, footer) and
 * that the files agree with each other (counts, dimensions, sizes), so no stored count or offset can
 * steer a read outside its region; the small meta file's CRC is verified too. Of the other files' payload
 * it reads only the category names, which it checks and keeps in a lookup map; {@link #checkIntegrity()}
 * verifies every CRC32 and every item's category and name (run it once when a segment arrives on a machine).
 * Thread-safe for reads; {@link #close()} unmaps deterministically, after which any access fails instead
 * of touching freed memory.
 */
public final class TreeSegment implements SearchableTree, MappedSegment {
    private final Path directory;
    private final Arena arena;
    private final SegmentFiles segmentFiles;
    private final TreeShape shape;
    private final HierarchicalHistory hierarchy;
    private final MemorySegment leafItems, itemLeaves, nonEmpty, embeddings;
    private final ItemTable items;
    private final ModelTensors model;
    private final NodeScorer scorer;

    private TreeSegment(Path directory, Arena arena) throws IOException {
        this.directory = directory;
        this.arena = arena;
        segmentFiles = new SegmentFiles(directory, arena, INDEX_KIND_TREE, List.of(TREE_SEGMENT_FILES),
                List.of(CODEC_TREE, CODEC_ITEMS, CODEC_EMBEDDINGS, CODEC_MODEL), EMBEDDINGS_FILE);
        FramedFile tree = segmentFiles.file(TREE_FILE);
        FramedFile emb = segmentFiles.file(EMBEDDINGS_FILE), modelFile = segmentFiles.file(MODEL_FILE);
        int branching = tree.intField(0, "branching", 2, 1024);
        int levels = tree.intField(1, "levels", 1, 64);
        int itemCount = tree.intField(2, "itemCount", 1, Integer.MAX_VALUE);
        try {
            this.shape = new TreeShape(branching, levels, itemCount);
        } catch (IllegalArgumentException e) {
            throw new CorruptSegmentException(tree.resource(), "inconsistent tree: " + e.getMessage());
        }
        try {
            hierarchy = HierarchicalHistory.fromProperties(shape, segmentFiles.properties());
        } catch (IllegalArgumentException e) {
            throw new CorruptSegmentException(directory.resolve(META_FILE).toString(), e.getMessage());
        }
        leafItems = tree.section(TREE_LEAF_ITEMS, "leafItems", ElementType.I32, shape.leafCount());
        itemLeaves = tree.section(TREE_ITEM_LEAVES, "itemLeaves", ElementType.I32, itemCount);
        nonEmpty = tree.section(TREE_NONEMPTY_BITS, "nonEmptyBits", ElementType.I64, (shape.nodeCount() + 63L) >>> 6);
        items = new ItemTable(segmentFiles.file(ITEMS_FILE), itemCount, tree);

        ModelArchitecture arch = readArchitecture(modelFile);
        SegmentFiles.requireAgreement(emb, 0, "nodeCount", shape.nodeCount(), tree);
        SegmentFiles.requireAgreement(emb, 1, "dim", arch.embeddingDim(), modelFile);
        SegmentFiles.requireFloat32(emb, 2);
        embeddings = emb.section(EMBEDDINGS_NODES, "nodeEmbeddings", ElementType.F32,
                (long) shape.nodeCount() * arch.embeddingDim());
        List<TensorSpec> specs = arch.tensors();
        MemorySegment[] tensors = new MemorySegment[specs.size()];
        for (int i = 0; i < tensors.length; i++) {
            tensors[i] = modelFile.section(MODEL_FIRST_TENSOR + i, specs.get(i).name(), ElementType.F32, specs.get(i).size());
        }
        model = new ModelTensors(arch, tensors);
        scorer = new NodeScorer(model, embeddings, Kernels.best());
        segmentFiles.adviseForSearch();
    }

    /** Opens the segment in {@code directory} with the cheap checks only. */
    public static TreeSegment open(Path directory) throws IOException {
        return MappedSegment.open(directory, false, TreeSegment::new);
    }

    /** Opens and then verifies every checksum; the segment is closed again if a check fails. */
    public static TreeSegment openVerified(Path directory) throws IOException {
        return MappedSegment.open(directory, true, TreeSegment::new);
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
     * Verifies the CRC32 of every file, that every item's category is -1 or one of the segment's, and every item's
     * name (FORMAT.md, "Item names"); the error names the file that fails. The pass reads every byte in order, so it
     * asks for read-ahead while it runs and random access again afterwards.
     */
    @Override
    public void checkIntegrity() throws CorruptSegmentException {
        checkIntegrity(file -> { });
    }

    /** {@link #checkIntegrity()}, telling {@code verified} about each file once its checksum has passed. */
    public void checkIntegrity(Consumer<FramedFile> verified) throws CorruptSegmentException {
        segmentFiles.checkIntegrity(file -> {
            if (file == items.file()) {
                items.checkCategories();
                items.checkNames();
            }
        }, verified);
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
        return segmentFiles.properties();
    }

    @Override
    public FramedFile[] files() {
        return segmentFiles.all();
    }

    public long[] fileLengths() {
        return segmentFiles.lengths();
    }

    /** Node embeddings, {@code nodeCount x dim} little-endian floats, 64-byte aligned in the file. */
    public MemorySegment embeddings() {
        return embeddings;
    }

    /** The whole mapping of each file (read-only), meta file first; for paging tools such as {@code mincore}. */
    public List<MemorySegment> mappings() {
        return List.copyOf(segmentFiles.mappings());
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
        segmentFiles.advise(advice);
    }

    public long itemId(int ordinal) {
        return items.itemId(ordinal);
    }

    /**
     * Ordinal of external item id {@code id}, or -1; a binary search over the mapped sorted ids.
     *
     * @throws UncheckedIOException with a {@link CorruptSegmentException} when the stored ordinal is out of range
     */
    public int ordinalOf(long id) {
        return items.ordinalOf(id);
    }

    /**
     * Ordinal of the item that {@code text} stands for, an integer id or a name ({@code format.ExternalIds}), or -1;
     * the same binary search, then for a name a comparison with the stored name, all in mapped memory.
     *
     * @throws IllegalArgumentException when {@code text} is blank
     * @throws UncheckedIOException     with a {@link CorruptSegmentException} when a stored ordinal or name end is out
     *                                  of range
     */
    public int ordinalOf(String text) {
        return items.ordinalOf(text);
    }

    /** The name of item {@code ordinal}, or null when its id is an integer (or the segment names no item). */
    public String itemName(int ordinal) {
        return items.itemName(ordinal);
    }

    /** Item {@code ordinal}'s external id as text: its name, or its integer id in decimal. */
    public String itemIdText(int ordinal) {
        return items.itemIdText(ordinal);
    }

    /** Number of item categories; 0 when the segment has none (every {@link #categoryOf} is -1). */
    public int categoryCount() {
        return items.categoryCount();
    }

    /**
     * Name of category {@code category}, which the segment guarantees non-empty and distinct from the others.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= category < categoryCount()}
     */
    public String categoryName(int category) {
        return items.categoryName(category);
    }

    /**
     * Category of item {@code itemOrdinal}, in {@code [0, categoryCount())}, or -1 when the item or the segment has
     * none. A read of the mapped file; allocates nothing.
     *
     * @throws UncheckedIOException with a {@link CorruptSegmentException} when the stored category is out of range
     *                              (possible only in a segment opened without {@link #checkIntegrity()})
     */
    public int categoryOf(int itemOrdinal) {
        return items.categoryOf(itemOrdinal);
    }

    /** Ordinal of the category named {@code name}, or -1 when the segment has no such category. */
    public int categoryOrdinal(String name) {
        return items.categoryOrdinal(name);
    }

    /** Leaf position (0-based on the leaf level) of item {@code ordinal}. */
    public int leafOf(int ordinal) {
        return itemLeaves.getAtIndex(FramedFile.INT, ordinal);
    }

    /** Item ordinal on leaf position {@code leaf}, or -1 for a padding leaf. */
    public int itemAtLeaf(int leaf) {
        return leafItems.getAtIndex(FramedFile.INT, leaf);
    }

    /** Whether any item lies under {@code node}. */
    public boolean nonEmpty(int node) {
        return (nonEmpty.getAtIndex(FramedFile.LONG, node >>> 6) & (1L << node)) != 0;
    }

    /**
     * The segment copied onto the heap as the writer takes it, properties included: what a tool that changes one part
     * of an index and republishes it starts from.
     */
    public TreeIndex toTreeIndex() {
        int n = itemCount();
        long[] ids = new long[n];
        int[] leaves = new int[n], categories = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = itemId(i);
            leaves[i] = leafOf(i);
            categories[i] = categoryOf(i);
        }
        List<TensorSpec> specs = architecture().tensors();
        float[][] tensors = new float[specs.size()][];
        for (int t = 0; t < tensors.length; t++) {
            tensors[t] = model.array(specs.get(t).name());
        }
        List<String> names = new ArrayList<>(categoryCount());
        for (int c = 0; c < categoryCount(); c++) {
            names.add(categoryName(c));
        }
        // Item names, when the segment has any ("" for an item with an integer id), so that a republished copy
        // still answers to them.
        List<String> itemNames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (itemName(i) != null) {
                for (int j = 0; j < n; j++) {
                    String name = itemName(j);
                    itemNames.add(name == null ? "" : name);
                }
                break;
            }
        }
        return new TreeIndex(shape, ids, leaves, embeddings.toArray(FramedFile.FLOAT),
                new ModelWeights(architecture(), tensors), properties(), categories, names, itemNames);
    }

    /** The item ids, names and categories, for the segment's {@link SegmentSearcher}. */
    ItemTable items() {
        return items;
    }

    @Override
    public void close() {
        arena.close();
    }
}
