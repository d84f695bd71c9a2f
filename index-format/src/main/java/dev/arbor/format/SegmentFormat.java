package dev.arbor.format;

/**
 * Constants of the on-disk format; docs/FORMAT.md is the normative description. Every file is framed:
 * header (magic, codec name, version, segment id), scalar fields, a section table, 64-byte aligned
 * sections, and a footer (magic, algorithm, CRC32). All numbers are little-endian.
 */
public final class SegmentFormat {
    private SegmentFormat() {
    }

    public static final int HEADER_MAGIC = 0x41524230; // "0BRA" in LE bytes: 30 42 52 41
    public static final int FOOTER_MAGIC = ~HEADER_MAGIC;
    public static final int FOOTER_LENGTH = 16;
    public static final int CHECKSUM_CRC32 = 0;
    public static final int SEGMENT_ID_LENGTH = 16;
    /** Every section starts at a file offset that is a multiple of this, so floats map straight into SIMD loads. */
    public static final int ALIGNMENT = 64;
    public static final int SECTION_ENTRY_LENGTH = 24;
    public static final int MAX_FIELDS = 1024;
    public static final int MAX_SECTIONS = 1024;

    public static final int VERSION_START = 1;
    public static final int VERSION_CURRENT = 1;

    /** Index kinds stored in the meta file. */
    public static final int INDEX_KIND_TREE = 1;
    /** Deep Retrieval's K x D path lattice (FORMAT.md section 4). */
    public static final int INDEX_KIND_PATH_LATTICE = 2;

    public static final String COMMIT_FILE = "commit.arb";
    public static final String SEGMENT_DIR_PREFIX = "seg-";
    /** Prefix of anything a writer has not published yet; a later writer deletes such leftovers. */
    public static final String TEMP_PREFIX = ".tmp-";

    public static final String CODEC_COMMIT = "ArborCommit";
    public static final int COMMIT_SEGMENT_NAME = 1;

    /** Files of a tree segment, in the order the meta file lists their lengths. */
    public static final String TREE_FILE = "tree.arb";
    public static final String ITEMS_FILE = "items.arb";
    public static final String EMBEDDINGS_FILE = "embeddings.arb";
    public static final String MODEL_FILE = "model.arb";
    public static final String[] TREE_SEGMENT_FILES = {TREE_FILE, ITEMS_FILE, EMBEDDINGS_FILE, MODEL_FILE};
    public static final String META_FILE = "meta.arb";

    public static final String CODEC_META = "ArborMeta";
    public static final int META_FILE_LENGTHS = 1;
    public static final int META_PROPERTIES = 2;

    public static final String CODEC_TREE = "ArborTree";
    public static final int TREE_LEAF_ITEMS = 1;
    public static final int TREE_ITEM_LEAVES = 2;
    public static final int TREE_NONEMPTY_BITS = 3;

    public static final String CODEC_ITEMS = "ArborItems";
    public static final int ITEMS_IDS = 1;
    public static final int ITEMS_SORTED_IDS = 2;
    public static final int ITEMS_SORTED_ORDINALS = 3;
    /** Optional, with field 1 (categoryCount): each ordinal's category, -1 for none. */
    public static final int ITEMS_CATEGORIES = 4;
    /** Optional: the end offset of each category name in {@link #ITEMS_CATEGORY_NAMES}. */
    public static final int ITEMS_CATEGORY_NAME_ENDS = 5;
    /** Optional: the category names, UTF-8, end to end. */
    public static final int ITEMS_CATEGORY_NAMES = 6;
    /** Optional, with {@link #ITEMS_NAMES}: where each ordinal's name ends in it; an item without a name is empty. */
    public static final int ITEMS_NAME_ENDS = 7;
    /** Optional: the item names ({@link ExternalIds}), UTF-8, end to end in ordinal order. */
    public static final int ITEMS_NAMES = 8;

    public static final String CODEC_EMBEDDINGS = "ArborEmbeddings";
    public static final int EMBEDDINGS_NODES = 1;
    public static final int ENCODING_F32 = 0;
    public static final int ENCODING_BF16 = 1;
    public static final int ENCODING_I8 = 2;

    public static final String CODEC_MODEL = "ArborModel";
    /** Tensor {@code i} of {@link ModelArchitecture#tensors()} is section {@code i + 1}. */
    public static final int MODEL_FIRST_TENSOR = 1;
    public static final int MODEL_NODE_ATTENTION_TERMS = 100;
    public static final int MODEL_NODE_MLP_TERMS = 101;

    /** Files of a path-lattice segment, in the order the meta file lists their lengths; {@link #ITEMS_FILE} is shared. */
    public static final String PATHS_FILE = "paths.arb";
    public static final String ITEM_EMBEDDINGS_FILE = "item-embeddings.arb";
    public static final String LATTICE_MODEL_FILE = "lattice-model.arb";
    public static final String[] LATTICE_SEGMENT_FILES = {PATHS_FILE, ITEMS_FILE, ITEM_EMBEDDINGS_FILE, LATTICE_MODEL_FILE};

    public static final String CODEC_PATHS = "ArborPaths";
    /** Each item's J paths, D codes each: {@code N x J x D} i32. */
    public static final int PATHS_ITEM_CODES = 1;
    /** The distinct keys of the used paths, ascending. */
    public static final int PATHS_KEYS = 2;
    /** Where each path's items start in {@link #PATHS_ITEMS}, and where the last one ends. */
    public static final int PATHS_STARTS = 3;
    /** Each path's item ordinals, ascending, path after path. */
    public static final int PATHS_ITEMS = 4;

    public static final String CODEC_ITEM_EMBEDDINGS = "ArborItemEmbeddings";
    /** The behaviour embedding of each item ordinal, which the user vector pools. */
    public static final int ITEM_EMBEDDINGS_BEHAVIOUR = 1;
    /** The reranker's vector of each item ordinal. */
    public static final int ITEM_EMBEDDINGS_RERANK = 2;

    public static final String CODEC_LATTICE_MODEL = "ArborLatticeModel";
    /** Tensor {@code i} of {@link LatticeArchitecture#tensors()} is section {@code i + 1}. */
    public static final int LATTICE_MODEL_FIRST_TENSOR = 1;

    public static long align(long offset) {
        return (offset + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
