package dev.arbor.reader;

import dev.arbor.format.SegmentFormat;
import dev.arbor.search.ItemFilter;
import dev.arbor.search.SearchResult;
import java.nio.file.Path;
import java.util.Map;

/**
 * An open segment of either index kind, ready to answer retrievals: its items and categories, and per-thread
 * {@link Query} objects that search it. The {@link SearcherManager}, {@code arbor search} and {@code arbor serve} see a
 * generation only through this, so a served directory may hold a tree or a path lattice and change from one to the
 * other at a swap. Thread-safe; each thread searches with its own {@link Query}. Closing it unmaps the segment.
 */
public abstract sealed class SegmentSearcher implements AutoCloseable permits TreeSegmentSearcher, LatticeSegmentSearcher {

    /** The index kind behind a searcher, and what its searches count as their work. */
    public enum Kind {
        TREE(SegmentFormat.INDEX_KIND_TREE, "tree", "nodes"),
        PATH_LATTICE(SegmentFormat.INDEX_KIND_PATH_LATTICE, "lattice", "items");

        private final int code;
        private final String label, workUnit;

        Kind(int code, String label, String workUnit) {
            this.code = code;
            this.label = label;
            this.workUnit = workUnit;
        }

        /** The index kind as {@code meta.arb} stores it (FORMAT.md). */
        public int code() {
            return code;
        }

        /** "tree" or "lattice": the kind as responses and logs name it. */
        public String label() {
            return label;
        }

        /** What {@link Query#scored()} counts: the tree's nodes scored, or the lattice's items reranked. */
        public String workUnit() {
            return workUnit;
        }
    }

    /**
     * One thread's reusable query state for this searcher: set a query up with {@link #reset()} and the setters, then
     * {@link #search} or {@link #bruteForce}. After the first queries have sized its buffers a query allocates nothing.
     */
    public interface Query {

        /** Clears the history, the exclusions and the filter. */
        Query reset();

        /** Sets the user's behaviours by item ordinal, most recent last; only the newest {@link #historyLength()} count. */
        Query history(int[] ordinals, int count);

        /** Keeps the item with this ordinal out of the results. */
        Query excludeOrdinal(int ordinal);

        /** Returns only items the filter accepts; null accepts all. */
        Query filter(ItemFilter filter);

        /**
         * The approximate top {@code k}: the tree's beam search keeping {@code beam} nodes per level, or the lattice's
         * top {@code beam} paths, every item on them collected and reranked. The exclusions and the filter apply to the
         * items; a lattice's paths may hold fewer than {@code k} admissible items.
         */
        void search(int k, int beam, SearchResult result);

        /** The exact top {@code k} under the same model, exclusions and filter: every admissible item scored. */
        void bruteForce(int k, SearchResult result);

        /** The work of the last search, in the kind's {@link Kind#workUnit()}. */
        long scored();
    }

    private final Path directory;
    private final ItemTable items;
    private final Map<String, String> properties;

    SegmentSearcher(Path directory, ItemTable items, Map<String, String> properties) {
        this.directory = directory;
        this.items = items;
        this.properties = properties;
    }

    public abstract Kind kind();

    /** The newest behaviours of a history that the model reads. */
    public abstract int historyLength();

    public abstract int itemCount();

    /** A query for the calling thread; it belongs to this searcher and is kept for as long as the thread uses it. */
    public abstract Query newQuery();

    /** Unmaps the segment; any later access fails instead of touching freed memory. */
    @Override
    public abstract void close();

    /** The segment's directory. */
    public Path directory() {
        return directory;
    }

    /** "segment DIR", for error messages. */
    public String describe() {
        return "segment " + directory;
    }

    /** The provenance the segment was published with. */
    public Map<String, String> properties() {
        return properties;
    }

    public long itemId(int ordinal) {
        return items.itemId(ordinal);
    }

    /** Ordinal of external item id {@code id}, or -1 when the segment does not hold it. */
    public int ordinalOf(long id) {
        return items.ordinalOf(id);
    }

    /** Ordinal of the item that {@code text} stands for, an integer id or a name, or -1. */
    public int ordinalOf(String text) {
        return items.ordinalOf(text);
    }

    /** The name of item {@code ordinal}, or null when its id is an integer. */
    public String itemName(int ordinal) {
        return items.itemName(ordinal);
    }

    /** Item {@code ordinal}'s external id as text: its name, or its integer id in decimal. */
    public String itemIdText(int ordinal) {
        return items.itemIdText(ordinal);
    }

    /** Number of item categories; 0 when the segment has none. */
    public int categoryCount() {
        return items.categoryCount();
    }

    /** Category of item {@code itemOrdinal}, or -1 when it has none. */
    public int categoryOf(int itemOrdinal) {
        return items.categoryOf(itemOrdinal);
    }

    /** Ordinal of the category named {@code name}, or -1. */
    public int categoryOrdinal(String name) {
        return items.categoryOrdinal(name);
    }
}
