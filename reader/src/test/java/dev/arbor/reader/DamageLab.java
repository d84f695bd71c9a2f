package dev.arbor.reader;

import static dev.arbor.format.SegmentFormat.*;

import dev.arbor.format.CorruptSegmentException;
import dev.arbor.format.ExternalIds;
import dev.arbor.format.FramedFile;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.SectionLayout;
import dev.arbor.format.SegmentVersionException;
import dev.arbor.format.TreeIndex;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.zip.CRC32;

/**
 * A small index directory, of either kind, to damage one file at a time, and a probe that reports what the reader
 * made of the damage: which check refused it (at open or at {@code checkIntegrity()}), and what search (for a tree)
 * or the lookups (for a lattice) did on a damaged segment that opened without checksum verification. Shared by the
 * corruption and fuzz tests.
 */
final class DamageLab {
    /** The index kinds a lab can write; a named tree's items have names (FORMAT.md, "Item names"). */
    enum Kind { TREE, NAMED_TREE, LATTICE }

    private static final Map<String, String> CODECS = Map.of(TREE_FILE, CODEC_TREE, ITEMS_FILE, CODEC_ITEMS,
            EMBEDDINGS_FILE, CODEC_EMBEDDINGS, MODEL_FILE, CODEC_MODEL, PATHS_FILE, CODEC_PATHS, ITEM_EMBEDDINGS_FILE,
            CODEC_ITEM_EMBEDDINGS, LATTICE_MODEL_FILE, CODEC_LATTICE_MODEL, META_FILE, CODEC_META, COMMIT_FILE,
            CODEC_COMMIT);
    static final int ITEMS = 300;
    /** The attention model, every tensor kind, shrunk so that thousands of probes (each searching) stay quick. */
    static final ModelArchitecture MODEL = new ModelArchitecture(ModelKind.ATTENTION_DNN, 8, new int[] {4, 2, 1}, 4,
            new int[] {16, 8});
    private static final int K = 10, BEAM = 20;

    /** The check that refused a damaged file, judged by its message. */
    enum Check {
        HEADER_MAGIC("header magic"), CODEC("codec"), VERSION("version"), SEGMENT_ID("segment id"),
        FIELDS_AND_TABLE("fields / section table"), LENGTH("length"), FOOTER("footer"), CHECKSUM("checksum"),
        CROSS_FILE("cross-file"), NONE("not detected");

        final String label;

        Check(String label) {
            this.label = label;
        }

        static Check of(CorruptSegmentException e) {
            if (e instanceof SegmentVersionException) {
                return VERSION;
            }
            String m = e.getMessage().substring(e.resource().length());
            if (m.contains("header magic")) {
                return HEADER_MAGIC;
            }
            if (m.contains("codec is")) {
                return CODEC;
            }
            if (m.contains("segment id")) {
                return SEGMENT_ID;
            }
            if (m.contains("checksum failed")) {
                return CHECKSUM;
            }
            if (m.contains("footer magic") || m.contains("checksum algorithm") || m.contains("not a CRC32")) {
                return FOOTER;
            }
            if (m.contains("disagree") || m.contains("names segment") || m.contains("file is missing")) {
                return CROSS_FILE;
            }
            if (m.startsWith(": file is")) {
                return LENGTH;
            }
            if (m.contains("field") || m.contains("section") || m.contains("kind") || m.contains("encoding")
                    || m.contains("architecture") || m.contains("inconsistent") || m.contains("properties")) {
                return FIELDS_AND_TABLE;
            }
            throw new AssertionError("unclassified corruption message: " + e.getMessage());
        }
    }

    /** What search did on a damaged segment that opened unverified. */
    enum Search { NOT_OPENED, SAME_RESULTS, OTHER_RESULTS, CLEAN_ERROR }

    /** One probe: the refusing check, whether it came at open, the search outcome and the message. */
    record Outcome(Check check, boolean atOpen, Search search, String message) {
    }

    /** How a lab opens its directory unverified and what it reads from the open segment. */
    private record Reader<S extends MappedSegment>(MappedSegment.Opener<S> opener, Function<S, long[]> answer) {
        /** Opens, answers and verifies: the probe. */
        Outcome probe(Path dir, long[] expected) throws IOException {
            S s;
            try {
                s = opener.open(dir);
            } catch (CorruptSegmentException e) {
                return new Outcome(Check.of(e), true, Search.NOT_OPENED, e.getMessage());
            }
            try (s) {
                Search search;
                try {
                    search = Arrays.equals(answer.apply(s), expected) ? Search.SAME_RESULTS : Search.OTHER_RESULTS;
                } catch (UncheckedIOException e) {
                    if (!(e.getCause() instanceof CorruptSegmentException)) {
                        throw e;
                    }
                    search = Search.CLEAN_ERROR;
                }
                try {
                    s.checkIntegrity();
                    return new Outcome(Check.NONE, false, search, null);
                } catch (CorruptSegmentException e) {
                    return new Outcome(Check.of(e), false, search, e.getMessage());
                }
            }
        }

        long[] answer(Path dir) throws IOException {
            try (S s = opener.open(dir)) {
                s.checkIntegrity();
                return answer.apply(s);
            }
        }
    }

    final Kind kind;
    /** Every file a damage can hit: the segment's data files, its meta file, then the directory's commit. */
    final List<String> files;
    final Path dir;
    final Path segment;
    private final Map<String, byte[]> pristine = new LinkedHashMap<>();
    private final Reader<?> reader;
    private final long[] expected;

    /** Writes a {@value #ITEMS}-item segment of {@code kind} with {@code seed} into {@code dir}. */
    static DamageLab of(Kind kind, Path dir, long seed) throws IOException {
        return of(kind, dir, seed, ITEMS);
    }

    /**
     * Writes a segment of {@code items} items: a tree of {@link #MODEL} over {@code SyntheticIndex}'s items, or a
     * {@link RandomLattice}.
     */
    static DamageLab of(Kind kind, Path dir, long seed, int items) throws IOException {
        if (kind == Kind.LATTICE) {
            long[] probeIds = {RandomLattice.itemId(0), RandomLattice.itemId(items - 1), RandomLattice.itemId(1) + 1,
                    Long.MIN_VALUE};
            return new DamageLab(kind, dir, SegmentWriter.write(dir, RandomLattice.generate(items, seed)),
                    new Reader<>(IndexDirectory::openLatestLattice, s -> latticeAnswer(s, probeIds)));
        }
        var index = SyntheticIndex.generate(items, 2, MODEL, seed);
        long[] ids = SyntheticIndex.sampleHistory(index, 40, 4, new java.util.SplittableRandom(seed));
        int[] history = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            history[i] = (int) ((ids[i] - SyntheticIndex.FIRST_ITEM_ID) / SyntheticIndex.ITEM_ID_STEP);
        }
        if (kind == Kind.NAMED_TREE) {
            index = named(index);
        }
        Path segment = SegmentWriter.write(dir, index);
        long[] probeIds = {index.itemIds()[history[0]], index.itemIds()[items - 1], SyntheticIndex.itemId(0) - 1,
                Long.MAX_VALUE, ExternalIds.nameId("absent")};
        String[] probeNames = {name(0), name(items - 1), name(items), "absent", "-3"};
        return new DamageLab(kind, dir, segment, new Reader<>(IndexDirectory::openLatest,
                s -> treeAnswer(s, history, probeIds, probeNames)));
    }

    /** {@code index} with its items named: most by {@link #name}, every third keeping its integer id. */
    private static TreeIndex named(TreeIndex index) {
        long[] ids = index.itemIds().clone();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            names.add(i % 3 == 1 ? "" : name(i));
            if (i % 3 != 1) {
                ids[i] = ExternalIds.nameId(name(i));
            }
        }
        return new TreeIndex(index.shape(), ids, index.itemToLeaf(), index.nodeEmbeddings(), index.model(),
                index.metadata(), index.itemCategories(), index.categoryNames(), names);
    }

    /** Item {@code i}'s name in a named tree; some are not ASCII. */
    static String name(int i) {
        return i % 3 == 2 ? "商品-" + i : "sku-" + i;
    }

    private DamageLab(Kind kind, Path dir, Path segment, Reader<?> reader) throws IOException {
        this.kind = kind;
        this.dir = dir;
        this.segment = segment;
        this.reader = reader;
        List<String> names = new ArrayList<>(List.of(kind == Kind.LATTICE ? LATTICE_SEGMENT_FILES : TREE_SEGMENT_FILES));
        names.addAll(List.of(META_FILE, COMMIT_FILE));
        files = List.copyOf(names);
        for (String f : files) {
            pristine.put(f, Files.readAllBytes(path(f)));
        }
        expected = reader.answer(dir);
    }

    /** {@code damage} as a tally's row: the tree's rows keep their names, the others' say their kind. */
    String label(String damage) {
        return switch (kind) {
            case TREE -> damage;
            case NAMED_TREE -> "named tree: " + damage;
            case LATTICE -> "lattice: " + damage;
        };
    }

    Path path(String file) {
        return file.equals(COMMIT_FILE) ? dir.resolve(file) : segment.resolve(file);
    }

    /** A fresh copy of the file's undamaged bytes. */
    byte[] bytes(String file) {
        return pristine.get(file).clone();
    }

    /** The file's section table, read from its undamaged bytes. */
    FramedFile.Section[] sections(String file) {
        try {
            return FramedFile.open(MemorySegment.ofArray(pristine.get(file)), file, CODECS.get(file), VERSION_START,
                    VERSION_CURRENT, null).sections();
        } catch (CorruptSegmentException e) {
            throw new AssertionError(e);
        }
    }

    /** Offset of the file's first field (after magic, codec name, version and segment id, then the field count). */
    long fieldsStart(String file) {
        return SectionLayout.headerLength(CODECS.get(file)) + 4;
    }

    /** Offset of the file's first section-table entry (after the fields, then the section count). */
    long tableStart(String file) {
        try {
            int fields = FramedFile.open(MemorySegment.ofArray(pristine.get(file)), file, CODECS.get(file),
                    VERSION_START, VERSION_CURRENT, null).fieldCount();
            return fieldsStart(file) + 8L * fields + 4;
        } catch (CorruptSegmentException e) {
            throw new AssertionError(e);
        }
    }

    /** Where the file's first section starts: everything before is header, fields, table and padding. */
    long payloadStart(String file) {
        FramedFile.Section[] s = sections(file);
        return s.length == 0 ? pristine.get(file).length - FOOTER_LENGTH : s[0].offset();
    }

    /** Replaces {@code file} with {@code content}, probes the directory, and restores the file. */
    Outcome damage(String file, byte[] content) throws IOException {
        Files.write(path(file), content);
        try {
            return probe();
        } finally {
            Files.write(path(file), pristine.get(file));
        }
    }

    /** Copies {@code file} over from another lab's directory, probes, and restores it. */
    Outcome swapIn(String file, DamageLab other) throws IOException {
        return damage(file, other.pristine.get(file));
    }

    /**
     * Opens the directory without checksum verification, searches (a tree) or reads every path and list (a
     * lattice), then verifies. Only a {@link CorruptSegmentException} (or an {@link UncheckedIOException} carrying
     * one, from search or a lookup) counts as refusing the damage; any other exception escapes and fails the caller.
     */
    Outcome probe() throws IOException {
        return reader.probe(dir, expected);
    }

    /**
     * Item ids and raw score bits of a beam search and a brute-force search, after a few id and name lookups; then
     * every item's category and every category name's hash, as a filter would read them; then the lookups' ordinals
     * and the hash of every item's id as text, its name where it has one.
     */
    private static long[] treeAnswer(TreeSegment s, int[] history, long[] probeIds, String[] probeNames) {
        LongStream.Builder lookups = LongStream.builder();
        for (long id : probeIds) {
            lookups.add(checked(s.ordinalOf(id), s));
        }
        for (String name : probeNames) {
            lookups.add(checked(s.ordinalOf(name), s));
        }
        for (int i = 0; i < s.itemCount(); i++) {
            lookups.add(s.itemIdText(i).hashCode());
        }
        BeamSearcher searcher = new BeamSearcher(s);
        SearchContext ctx = searcher.newContext();
        int[] h = history.clone();
        for (int i = 0; i < h.length; i++) {
            h[i] %= s.itemCount();
        }
        ctx.historyOrdinals(h, h.length).excludeOrdinal(h[0]);
        SearchResult beam = new SearchResult(K), brute = new SearchResult(K);
        searcher.search(ctx, K, BEAM, beam);
        searcher.bruteForce(ctx, K, brute);
        long[] results = Answers.of(beam, brute);
        long[] out = Arrays.copyOf(results, results.length + s.itemCount() + s.categoryCount());
        for (int i = 0; i < s.itemCount(); i++) {
            out[results.length + i] = s.categoryOf(i);
        }
        for (int c = 0; c < s.categoryCount(); c++) {
            if (s.categoryOrdinal(s.categoryName(c)) != c) {
                throw new AssertionError("category " + c + " is not found by its name " + s.categoryName(c));
            }
            out[results.length + s.itemCount() + c] = s.categoryName(c).hashCode();
        }
        return LongStream.concat(Arrays.stream(out), lookups.build()).toArray();
    }

    private static int checked(int ordinal, TreeSegment s) {
        if (ordinal < -1 || ordinal >= s.itemCount()) {
            throw new AssertionError("ordinalOf returned " + ordinal);
        }
        return ordinal;
    }

    /**
     * Id lookups; every item's path keys and category; every path's key, range and items, and the lookup of a key no
     * item has; the bits of every float a search would read; then every category name's hash.
     */
    private static long[] latticeAnswer(LatticeSegment s, long[] probeIds) {
        LongStream.Builder out = LongStream.builder();
        for (long id : probeIds) {
            int ordinal = s.ordinalOf(id);
            if (ordinal < -1 || ordinal >= s.itemCount()) {
                throw new AssertionError("ordinalOf returned " + ordinal);
            }
            out.add(ordinal);
        }
        for (int i = 0; i < s.itemCount(); i++) {
            out.add(s.itemId(i)).add(s.categoryOf(i));
            for (int j = 0; j < s.pathsPerItem(); j++) {
                out.add(s.itemPathKey(i, j));
                for (int d = 0; d < s.depth(); d++) {
                    out.add(s.itemPath(i, j, d));
                }
            }
        }
        for (int p = 0; p < s.pathCount(); p++) {
            long range = s.pathRange(s.pathKey(p));
            out.add(s.pathKey(p)).add(range);
            for (int i = LatticeSegment.rangeStart(range); i < LatticeSegment.rangeEnd(range); i++) {
                out.add(s.pathItem(i));
            }
        }
        out.add(s.pathRange(s.lattice().keySpace() - 1)).add(s.pathRange(-5));
        List<MemorySegment> floats = new ArrayList<>(List.of(s.itemEmbeddings(), s.rerankEmbeddings()));
        for (int t = 0; t < s.architecture().tensors().size(); t++) {
            floats.add(s.tensor(t));
        }
        for (MemorySegment f : floats) {
            out.add(Arrays.hashCode(f.toArray(java.lang.foreign.ValueLayout.JAVA_INT)));
        }
        for (int c = 0; c < s.categoryCount(); c++) {
            if (s.categoryOrdinal(s.categoryName(c)) != c) {
                throw new AssertionError("category " + c + " is not found by its name " + s.categoryName(c));
            }
            out.add(s.categoryName(c).hashCode());
        }
        return out.build().toArray();
    }

    /** Stores the CRC32 of everything before the last 8 bytes into them, as a writer would. */
    static byte[] reseal(byte[] b) {
        if (b.length >= 8) {
            CRC32 crc = new CRC32();
            crc.update(b, 0, b.length - 8);
            ByteBuffer.wrap(b, b.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(crc.getValue());
        }
        return b;
    }

    /** {@code b} with {@code run} inserted at {@code at}. */
    static byte[] insert(byte[] b, int at, byte[] run) {
        byte[] out = new byte[b.length + run.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(run, 0, out, at, run.length);
        System.arraycopy(b, at, out, at + run.length, b.length - at);
        return out;
    }

    /** {@code b} without the {@code n} bytes from {@code at}. */
    static byte[] delete(byte[] b, int at, int n) {
        byte[] out = new byte[b.length - n];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + n, out, at, b.length - at - n);
        return out;
    }

    /** Counts outcomes per kind of damage and prints them as a table. */
    static final class Tally {
        private final Map<String, EnumMap<Check, Integer>> byKind = new TreeMap<>();
        private final EnumMap<Search, Integer> searches = new EnumMap<>(Search.class);
        private int atOpen, atIntegrity;

        synchronized void add(String kind, Outcome o) {
            byKind.computeIfAbsent(kind, k -> new EnumMap<>(Check.class)).merge(o.check(), 1, Integer::sum);
            searches.merge(o.search(), 1, Integer::sum);
            if (o.check() != Check.NONE) {
                if (o.atOpen()) {
                    atOpen++;
                } else {
                    atIntegrity++;
                }
            }
        }

        synchronized int total() {
            return byKind.values().stream().flatMap(m -> m.values().stream()).mapToInt(Integer::intValue).sum();
        }

        /** A markdown table: one row per kind of damage, one column per check, then the totals. */
        synchronized String table(String title) {
            StringBuilder sb = new StringBuilder(title).append('\n').append("| damage | cases |");
            for (Check c : Check.values()) {
                sb.append(' ').append(c.label).append(" |");
            }
            sb.append('\n').append("|---|---:|").append("---:|".repeat(Check.values().length)).append('\n');
            byKind.forEach((kind, counts) -> {
                sb.append("| ").append(kind).append(" | ")
                        .append(counts.values().stream().mapToInt(Integer::intValue).sum()).append(" |");
                for (Check c : Check.values()) {
                    sb.append(' ').append(counts.getOrDefault(c, 0)).append(" |");
                }
                sb.append('\n');
            });
            sb.append(String.format("%d cases: %d refused at open, %d at checkIntegrity(), %d not detected.%n", total(),
                    atOpen, atIntegrity, total() - atOpen - atIntegrity));
            sb.append(String.format("Search on damaged segments that opened unverified: %d same results, %d other results,"
                            + " %d clean CorruptSegmentException.%n", searches.getOrDefault(Search.SAME_RESULTS, 0),
                    searches.getOrDefault(Search.OTHER_RESULTS, 0), searches.getOrDefault(Search.CLEAN_ERROR, 0)));
            return sb.toString();
        }
    }
}
