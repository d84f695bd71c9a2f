package dev.arbor.reader;

import static dev.arbor.format.SegmentFormat.*;

import dev.arbor.format.CorruptSegmentException;
import dev.arbor.format.ElementType;
import dev.arbor.format.FramedFile;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeIndex;
import dev.arbor.format.LatticeShape;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.TensorSpec;
import dev.arbor.format.LatticeWeights;
import dev.arbor.lattice.LatticeModelScorer;
import dev.arbor.lattice.PathItems;
import dev.arbor.scorer.Kernels;
import java.nio.ByteOrder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An open, memory-mapped path-lattice segment (index kind 2, Deep Retrieval): zero-copy views of each item's paths,
 * the path to items lists, item ids and categories, the item embeddings and the model's tensors.
 *
 * <p>{@link #open} checks every file's frame, that the files agree with each other (K, D, item count, dimension),
 * that every section has the size the fields imply, and what takes a constant number of reads: the path lists start
 * at 0 and end at the entry count, the first and last keys lie in the key space. Like the tree's, it makes no pass
 * over the payload but for the category names. {@link #checkIntegrity()} verifies every CRC32, every item's category
 * and name, and the paths: each item's codes in [0, K) or an unused slot, its paths distinct and first; the keys
 * ascending; each path's items ascending and in range; and the lists exactly the inverse of the items' paths. The lookups of a segment
 * opened unverified check what they read, so damage ends in an {@link UncheckedIOException} carrying a
 * {@link CorruptSegmentException}, never a read out of bounds. The accessors allocate nothing. Thread-safe for reads;
 * {@link #close()} unmaps deterministically, after which any access fails instead of touching freed memory.
 */
public final class LatticeSegment implements MappedSegment, PathItems {
    private static final ValueLayout.OfInt INT = FramedFile.INT;
    private static final ValueLayout.OfLong LONG = FramedFile.LONG;

    private final Path directory;
    private final Arena arena;
    private final SegmentFiles segmentFiles;
    private final FramedFile pathsFile;
    private final LatticeArchitecture architecture;
    private final LatticeShape lattice;
    private final int k, depth, pathsPerItem, itemCount, pathCount, entryCount;
    private final long keySpace;
    private final MemorySegment itemCodes, pathKeys, pathStarts, pathItems, behaviourEmbeddings, rerankEmbeddings;
    private final MemorySegment[] tensors;
    private final ItemTable items;

    private LatticeSegment(Path directory, Arena arena) throws IOException {
        this.directory = directory;
        this.arena = arena;
        segmentFiles = new SegmentFiles(directory, arena, INDEX_KIND_PATH_LATTICE, List.of(LATTICE_SEGMENT_FILES),
                List.of(CODEC_PATHS, CODEC_ITEMS, CODEC_ITEM_EMBEDDINGS, CODEC_LATTICE_MODEL), ITEM_EMBEDDINGS_FILE);
        FramedFile paths = segmentFiles.file(PATHS_FILE), emb = segmentFiles.file(ITEM_EMBEDDINGS_FILE);
        FramedFile modelFile = segmentFiles.file(LATTICE_MODEL_FILE);
        pathsFile = paths;
        k = paths.intField(0, "K", LatticeShape.MIN_K, LatticeShape.MAX_K);
        depth = paths.intField(1, "D", 1, 64);
        try {
            lattice = new LatticeShape(k, depth);
        } catch (IllegalArgumentException e) {
            throw new CorruptSegmentException(paths.resource(), "inconsistent lattice: " + e.getMessage());
        }
        keySpace = lattice.keySpace();
        pathsPerItem = paths.intField(2, "J", 1, LatticeIndex.MAX_PATHS_PER_ITEM);
        itemCount = paths.intField(3, "itemCount", 1, Integer.MAX_VALUE);
        long slots = (long) itemCount * pathsPerItem;
        if (slots * depth > ModelArchitecture.MAX_ARRAY) {
            throw new CorruptSegmentException(paths.resource(), "fields itemCount, J and D: " + itemCount + " x "
                    + pathsPerItem + " x " + depth + " codes are more than " + ModelArchitecture.MAX_ARRAY);
        }
        // Every item has a path and every listed path an item: N <= E, P <= E, E <= N x J, P <= K^D.
        pathCount = paths.intField(4, "pathCount", 1, Math.min(slots, keySpace));
        entryCount = paths.intField(5, "pathItemCount", Math.max(itemCount, pathCount), slots);
        itemCodes = paths.section(PATHS_ITEM_CODES, "itemCodes", ElementType.I32, slots * depth);
        pathKeys = paths.section(PATHS_KEYS, "pathKeys", ElementType.I64, pathCount);
        pathStarts = paths.section(PATHS_STARTS, "pathStarts", ElementType.I32, pathCount + 1L);
        pathItems = paths.section(PATHS_ITEMS, "pathItems", ElementType.I32, entryCount);
        int first = pathStarts.getAtIndex(INT, 0), last = pathStarts.getAtIndex(INT, pathCount);
        if (first != 0 || last != entryCount) {
            throw corrupt("section pathStarts: the lists start at " + first + " and end at " + last + ", expected 0 and "
                    + entryCount + " (field pathItemCount)");
        }
        long lowest = pathKeys.getAtIndex(LONG, 0), highest = pathKeys.getAtIndex(LONG, pathCount - 1);
        if (lowest < 0 || highest >= keySpace) {
            throw corrupt("section pathKeys: the keys run from " + lowest + " to " + highest + ", outside [0, " + keySpace
                    + ")");
        }
        items = new ItemTable(segmentFiles.file(ITEMS_FILE), itemCount, paths);

        SegmentFiles.requireAgreement(modelFile, 1, "K", k, paths);
        SegmentFiles.requireAgreement(modelFile, 2, "D", depth, paths);
        architecture = readArchitecture(modelFile, lattice);
        int dim = architecture.embeddingDim();
        // The model's own sizes first: a damaged dim is then reported in its file, not as the embeddings' disagreement.
        List<TensorSpec> specs = architecture.tensors();
        tensors = new MemorySegment[specs.size()];
        for (int i = 0; i < tensors.length; i++) {
            tensors[i] = modelFile.section(LATTICE_MODEL_FIRST_TENSOR + i, specs.get(i).name(), ElementType.F32,
                    specs.get(i).size());
        }
        SegmentFiles.requireAgreement(emb, 0, "itemCount", itemCount, paths);
        SegmentFiles.requireAgreement(emb, 1, "dim", dim, modelFile);
        SegmentFiles.requireFloat32(emb, 2);
        behaviourEmbeddings = emb.section(ITEM_EMBEDDINGS_BEHAVIOUR, "behaviourEmbeddings", ElementType.F32,
                (long) itemCount * dim);
        rerankEmbeddings = emb.section(ITEM_EMBEDDINGS_RERANK, "rerankEmbeddings", ElementType.F32, (long) itemCount * dim);
        segmentFiles.adviseForSearch();
    }

    /** Opens the segment in {@code directory} with the cheap checks only. */
    public static LatticeSegment open(Path directory) throws IOException {
        return MappedSegment.open(directory, false, LatticeSegment::new);
    }

    /** Opens and then runs {@link #checkIntegrity()}; the segment is closed again if a check fails. */
    public static LatticeSegment openVerified(Path directory) throws IOException {
        return MappedSegment.open(directory, true, LatticeSegment::new);
    }

    /** Fields {@code [dim, K, D, W, H, R, w_0.., h_0.., r_0..]}, K and D checked against the paths file already. */
    private static LatticeArchitecture readArchitecture(FramedFile f, LatticeShape lattice)
            throws CorruptSegmentException {
        int dim = f.intField(0, "dim", 1, 4096);
        int windows = f.intField(3, "windowCount", 1, 256);
        int layers = f.intField(4, "layerHiddenCount", 1, 16);
        int rerank = f.intField(5, "rerankHiddenCount", 1, 16);
        int[] windowSizes = new int[windows], layerHidden = new int[layers], rerankHidden = new int[rerank];
        int field = 6;
        for (int i = 0; i < windows; i++) {
            windowSizes[i] = f.intField(field++, "windowSize" + i, 1, 4096);
        }
        for (int i = 0; i < layers; i++) {
            layerHidden[i] = f.intField(field++, "layerHidden" + i, 1, 65536);
        }
        for (int i = 0; i < rerank; i++) {
            rerankHidden[i] = f.intField(field++, "rerankHidden" + i, 1, 65536);
        }
        try {
            return new LatticeArchitecture(lattice, dim, windowSizes, layerHidden, rerankHidden);
        } catch (IllegalArgumentException e) {
            throw new CorruptSegmentException(f.resource(), "invalid model architecture: " + e.getMessage());
        }
    }

    /**
     * Verifies the CRC32 of every file, every item's category and name, and the paths: every item's slots (codes in
     * [0, K), or the no-path marker on every layer; at least one path; paths before unused slots; no path twice), the
     * keys strictly ascending below K^D, every listed path with items, each path's items strictly ascending below N, and
     * the lists exactly the inverse of the items' paths. The error names the file that fails.
     */
    @Override
    public void checkIntegrity() throws CorruptSegmentException {
        checkIntegrity(file -> { });
    }

    /** {@link #checkIntegrity()}, telling {@code verified} about each file once its checksum and content have passed. */
    public void checkIntegrity(Consumer<FramedFile> verified) throws CorruptSegmentException {
        segmentFiles.checkIntegrity(file -> {
            if (file == items.file()) {
                items.checkCategories();
                items.checkNames();
            } else if (file == pathsFile) {
                checkLists();
                checkItemPaths();
            }
        }, verified);
    }

    /** Keys ascending in the key space; every path with items, ascending and below N. */
    private void checkLists() throws CorruptSegmentException {
        long previousKey = -1;
        for (int p = 0; p < pathCount; p++) {
            long key = pathKeys.getAtIndex(LONG, p);
            if (key <= previousKey || key >= keySpace) {
                throw corrupt("section pathKeys: path " + p + " has key " + key + ", not above the previous " + previousKey
                        + " and below K^D = " + keySpace);
            }
            previousKey = key;
            int start = pathStarts.getAtIndex(INT, p), end = pathStarts.getAtIndex(INT, p + 1);
            // starts[0] = 0 and starts[P] = E are checked at open, so ascending starts stay within the entries.
            if (end <= start) {
                throw corrupt("section pathStarts: path " + p + " (key " + key + ") ends at " + end + ", not after its"
                        + " start " + start + ": a listed path has items");
            }
            int previousItem = -1;
            for (int i = start; i < end; i++) {
                int item = pathItems.getAtIndex(INT, i);
                if (item <= previousItem || item >= itemCount) {
                    throw corrupt("section pathItems: entry " + i + " of path " + p + " (key " + key + ") is item " + item
                            + ", not above the previous " + previousItem + " and below " + itemCount);
                }
                previousItem = item;
            }
        }
    }

    /**
     * Every item's slots well formed and its paths distinct, and every (item, path) listed: with as many pairs as
     * entries, and no entry listed twice ({@link #checkLists}), the lists are exactly the inverse.
     */
    private void checkItemPaths() throws CorruptSegmentException {
        long[] keys = new long[pathsPerItem];
        long pairs = 0;
        for (int item = 0; item < itemCount; item++) {
            int used = 0;
            for (int j = 0; j < pathsPerItem; j++) {
                long key = slotKey(item, j);
                if (key == LatticeShape.NO_PATH) {
                    continue;
                }
                if (used < j) {
                    throw corrupt("section itemCodes: item " + item + " path " + j + " follows an unused slot");
                }
                keys[used++] = key;
                long range = findRange(key);
                if (range < 0) {
                    throw corrupt("section pathKeys: item " + item + "'s path " + j + " (key " + key + ") is not listed");
                }
                if (!lists(range, item)) {
                    throw corrupt("section pathItems: the list of path " + key + " lacks item " + item + ", whose path "
                            + j + " it is");
                }
            }
            if (used == 0) {
                throw corrupt("section itemCodes: item " + item + " has no path");
            }
            Arrays.sort(keys, 0, used);
            for (int j = 1; j < used; j++) {
                if (keys[j] == keys[j - 1]) {
                    throw corrupt("section itemCodes: item " + item + " has path " + keys[j] + " twice");
                }
            }
            pairs += used;
        }
        if (pairs != entryCount) {
            throw corrupt("section pathItems: lists " + entryCount + " entries, but the items have " + pairs + " paths");
        }
    }

    /** Whether the list {@code range} (ascending) holds {@code item}: a binary search. */
    private boolean lists(long range, int item) {
        int lo = rangeStart(range), hi = rangeEnd(range) - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int v = pathItems.getAtIndex(INT, mid);
            if (v < item) {
                lo = mid + 1;
            } else if (v > item) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** Key of slot {@code j} of {@code item}, or NO_PATH; its codes must all be in [0, K) or all be the marker. */
    private long slotKey(int item, int j) throws CorruptSegmentException {
        long from = ((long) item * pathsPerItem + j) * depth;
        boolean unused = itemCodes.getAtIndex(INT, from) == LatticeShape.NO_PATH;
        long key = 0;
        for (int d = 0; d < depth; d++) {
            int c = itemCodes.getAtIndex(INT, from + d);
            if (unused ? c != LatticeShape.NO_PATH : c < 0 || c >= k) {
                throw corrupt("section itemCodes: item " + item + " path " + j + " has code " + c + " at layer " + d
                        + (unused ? ", but the no-path marker " + LatticeShape.NO_PATH + " at layer 0"
                        : ", outside [0, " + k + ")"));
            }
            key = key * k + c;
        }
        return unused ? LatticeShape.NO_PATH : key;
    }

    /** Packed {@code [start, end)} of path {@code key}'s list, or -1; the starts are checked as they are read. */
    private long findRange(long key) throws CorruptSegmentException {
        int lo = 0, hi = pathCount - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long v = pathKeys.getAtIndex(LONG, mid);
            if (v < key) {
                lo = mid + 1;
            } else if (v > key) {
                hi = mid - 1;
            } else {
                int start = pathStarts.getAtIndex(INT, mid), end = pathStarts.getAtIndex(INT, mid + 1);
                if (start < 0 || start > end || end > entryCount) {
                    throw corrupt("section pathStarts: path " + mid + " (key " + key + ") lists entries [" + start + ", "
                            + end + "), outside [0, " + entryCount + "]");
                }
                return (long) start << 32 | end;
            }
        }
        return -1;
    }

    private CorruptSegmentException corrupt(String problem) {
        return new CorruptSegmentException(pathsFile.resource(), problem);
    }

    /** A damaged value read by an accessor of a segment opened unverified. */
    private static UncheckedIOException unchecked(CorruptSegmentException e) {
        return new UncheckedIOException(e.getMessage() + "; run checkIntegrity()", e);
    }

    public Path directory() {
        return directory;
    }

    /** The K x D lattice. */
    public LatticeShape lattice() {
        return lattice;
    }

    /** K, the codes per layer. */
    public int k() {
        return k;
    }

    /** D, the layers. */
    public int depth() {
        return depth;
    }

    /** J, the most paths an item has. */
    public int pathsPerItem() {
        return pathsPerItem;
    }

    /** N, the items. */
    @Override
    public int itemCount() {
        return itemCount;
    }

    public LatticeArchitecture architecture() {
        return architecture;
    }

    public Map<String, String> properties() {
        return segmentFiles.properties();
    }

    @Override
    public FramedFile[] files() {
        return segmentFiles.all();
    }

    /** Byte lengths, in {@link #files()} order. */
    public long[] fileLengths() {
        return segmentFiles.lengths();
    }

    /** The whole mapping of each file (read-only), meta file first; for paging tools such as {@code mincore}. */
    public List<MemorySegment> mappings() {
        return List.copyOf(segmentFiles.mappings());
    }

    /**
     * Gives paging advice for every mapped file of the segment (see {@link TreeSegment#advise}); the segment maps
     * {@code item-embeddings.arb}, whose rows are read scattered, for random access and the rest for read-around.
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
     * Name of category {@code category}, non-empty and distinct from the others.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= category < categoryCount()}
     */
    public String categoryName(int category) {
        return items.categoryName(category);
    }

    /**
     * Category of item {@code itemOrdinal}, in {@code [0, categoryCount())}, or -1 when the item or the segment has
     * none.
     *
     * @throws UncheckedIOException with a {@link CorruptSegmentException} when the stored category is out of range
     */
    public int categoryOf(int itemOrdinal) {
        return items.categoryOf(itemOrdinal);
    }

    /** Ordinal of the category named {@code name}, or -1 when the segment has no such category. */
    public int categoryOrdinal(String name) {
        return items.categoryOrdinal(name);
    }

    /**
     * Code of layer {@code layer} on path {@code j} of item {@code ordinal}: in [0, K), or {@link LatticeShape#NO_PATH}
     * when the item has fewer than {@code j + 1} paths (its paths come first).
     *
     * @throws IndexOutOfBoundsException unless the ordinal, j and layer are in range
     * @throws UncheckedIOException      with a {@link CorruptSegmentException} when the stored code is not
     */
    public int itemPath(int ordinal, int j, int layer) {
        Objects.checkIndex(ordinal, itemCount);
        Objects.checkIndex(j, pathsPerItem);
        Objects.checkIndex(layer, depth);
        int code = itemCodes.getAtIndex(INT, ((long) ordinal * pathsPerItem + j) * depth + layer);
        if (code < LatticeShape.NO_PATH || code >= k) {
            throw unchecked(corrupt("section itemCodes: item " + ordinal + " path " + j + " has code " + code
                    + " at layer " + layer + ", outside [0, " + k + ")"));
        }
        return code;
    }

    /**
     * Key ({@link LatticeShape#key}) of path {@code j} of item {@code ordinal}, or {@link LatticeShape#NO_PATH} for an
     * unused slot.
     *
     * @throws IndexOutOfBoundsException unless the ordinal and j are in range
     * @throws UncheckedIOException      with a {@link CorruptSegmentException} when a stored code is out of range
     */
    public long itemPathKey(int ordinal, int j) {
        Objects.checkIndex(ordinal, itemCount);
        Objects.checkIndex(j, pathsPerItem);
        try {
            return slotKey(ordinal, j);
        } catch (CorruptSegmentException e) {
            throw unchecked(e);
        }
    }

    /** P, the number of distinct paths some item has. */
    public int pathCount() {
        return pathCount;
    }

    /**
     * Key of the {@code path}-th used path, in ascending key order.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= path < pathCount()}
     */
    public long pathKey(int path) {
        return pathKeys.getAtIndex(LONG, Objects.checkIndex(path, pathCount));
    }

    /**
     * The items on path {@code key}: a binary search over the mapped keys, giving {@code [start, end)} into
     * {@link #pathItem} packed as {@code start << 32 | end} (unpack with {@link #rangeStart} and {@link #rangeEnd}),
     * or -1 when no item has the path (also for a key outside the lattice).
     *
     * @throws UncheckedIOException with a {@link CorruptSegmentException} when the stored range is out of bounds
     */
    public long pathRange(long key) {
        try {
            return findRange(key);
        } catch (CorruptSegmentException e) {
            throw unchecked(e);
        }
    }

    /** Start of a {@link #pathRange}. */
    public static int rangeStart(long range) {
        return (int) (range >>> 32);
    }

    /** End (exclusive) of a {@link #pathRange}. */
    public static int rangeEnd(long range) {
        return (int) range;
    }

    /**
     * Item ordinal at {@code index} of the path lists, a position from a {@link #pathRange}: each path's items are
     * ascending.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index <} the number of entries
     * @throws UncheckedIOException      with a {@link CorruptSegmentException} when the stored ordinal is out of range
     */
    public int pathItem(int index) {
        int item = pathItems.getAtIndex(INT, Objects.checkIndex(index, entryCount));
        if (item < 0 || item >= itemCount) {
            throw unchecked(corrupt("section pathItems: entry " + index + " is item " + item + ", outside [0, "
                    + itemCount + ")"));
        }
        return item;
    }

    /** The behaviour embedding of each item, {@code N x dim} little-endian floats, 64-byte aligned: the user encoder's. */
    public MemorySegment itemEmbeddings() {
        return behaviourEmbeddings;
    }

    /** The reranker's item vectors, {@code N x dim} little-endian floats, 64-byte aligned. */
    public MemorySegment rerankEmbeddings() {
        return rerankEmbeddings;
    }

    /**
     * The code embeddings of layer {@code layer}, {@code K x dim} floats.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= layer < depth()}
     */
    public MemorySegment codeEmbeddings(int layer) {
        // The code tables lead the canonical tensor order.
        return tensors[Objects.checkIndex(layer, depth)];
    }

    /** Tensor {@code index} of {@link LatticeArchitecture#tensors()}, whose spec gives its shape; 64-byte aligned. */
    public MemorySegment tensor(int index) {
        return tensors[index];
    }

    /** The tensor named {@code name} ({@link LatticeArchitecture#tensors()}); a lookup by name, for setting up. */
    public MemorySegment tensor(String name) {
        return tensors[architecture.tensorIndex(name)];
    }

    /** The item ids, names and categories, for the segment's {@link SegmentSearcher}. */
    ItemTable items() {
        return items;
    }

    @Override
    public void close() {
        arena.close();
    }

    /** The items of path {@code pathKey}, as {@link PathItems} asks: a binary search and a copy from the mapping. */
    @Override
    public int items(long pathKey, int[] out) {
        long range = pathRange(pathKey);
        if (range < 0) {
            return 0;
        }
        int start = rangeStart(range), size = rangeEnd(range) - start;
        for (int i = 0; i < Math.min(size, out.length); i++) {
            out[i] = pathItem(start + i);
        }
        return size;
    }

    /**
     * The segment's model ready to search and rerank: its tensors copied to the heap, where the kernels are fastest,
     * and the item and rerank embeddings read from the mapping.
     */
    public LatticeModelScorer scorer(Kernels kernels) {
        LatticeArchitecture arch = architecture();
        List<TensorSpec> specs = arch.tensors();
        float[][] tensors = new float[specs.size()][];
        for (int t = 0; t < tensors.length; t++) {
            tensors[t] = tensor(t).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
        }
        return new LatticeModelScorer(new LatticeWeights(arch, tensors), itemEmbeddings(), rerankEmbeddings(), kernels);
    }
}
