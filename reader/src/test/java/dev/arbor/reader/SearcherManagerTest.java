package dev.arbor.reader;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.LatticeIndex;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.search.SearchResult;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearcherManagerTest {
    private static final int ITEMS = 300, VERSIONS = 5, READERS = 4, K = 10, BEAM = 20;
    private static final long PAUSE_NANOS = Long.getLong("arbor.swap.pauseNanos", 1_000_000);
    /** Ten items of the trees and ten of the lattices: each kind finds its own and skips the other's. */
    private static final long[] HISTORY = LongStream.concat(
            new SplittableRandom(3).longs(10, 0, ITEMS).map(ordinal -> SyntheticIndex.itemId((int) ordinal)),
            new SplittableRandom(4).longs(10, 0, ITEMS).map(ordinal -> RandomLattice.itemId((int) ordinal))).toArray();

    /** A small model keeps each of the thousand publishes cheap; the versions differ by seed. */
    private static final ModelArchitecture SMALL = new ModelArchitecture(ModelKind.MLP, 8, new int[] {4, 2, 1}, 0,
            new int[] {16, 8});

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    @TempDir
    Path tmp;
    private Path scratch;

    private static TreeIndex version(int v) {
        return SyntheticIndex.generate(ITEMS, 2, SMALL, v);
    }

    @Test
    void replacedSegmentIsClosedExactlyWhenItsLastReaderReleasesIt() throws Exception {
        Path dir = tmp.resolve("index");
        SegmentWriter.write(dir, version(0));
        SearcherManager manager = new SearcherManager(dir);
        assertFalse(manager.maybeRefresh(), "nothing new is committed");
        SearcherManager.Searcher first = manager.acquire();
        assertEquals(1, first.generation());
        SegmentWriter.write(dir, version(1));
        assertTrue(manager.maybeRefresh());
        assertEquals(1, first.refCount(), "only the reader holds the replaced generation now");
        long[] answer = Answers.search(first.searcher(), first.searcher().newQuery(), HISTORY, K, BEAM,
                new SearchResult(K)); // still mapped and searchable
        assertEquals(2 * K, answer.length);
        manager.release(first);
        assertEquals(0, first.refCount());
        assertThrows(IllegalStateException.class, () -> first.searcher().itemId(0), "its arena is closed");
        assertThrows(IllegalStateException.class, () -> manager.release(first), "a second release is an error");
        SearcherManager.Searcher second = manager.acquire();
        assertEquals(2, second.generation());
        manager.close();
        assertEquals(1, second.refCount(), "closing the manager leaves a held generation to its reader");
        assertEquals(2 * K, Answers.search(second.searcher(), second.searcher().newQuery(), HISTORY, K, BEAM,
                new SearchResult(K)).length);
        manager.release(second);
        assertEquals(0, second.refCount());
        assertThrows(IllegalStateException.class, manager::acquire);
    }

    /**
     * Four threads search (a millisecond apart) while the commit moves to a new segment a thousand times
     * (the writer cycles through five contents; {@code -Darbor.swap.count=N} for more). Every answer must
     * equal the expected one for the generation the thread acquired; every replaced generation must end
     * closed; file descriptors and mappings must stay flat.
     */
    @Test
    void thousandSwapsUnderContinuousSearch() {
        Version[] versions = new Version[VERSIONS];
        for (int v = 0; v < VERSIONS; v++) {
            TreeIndex index = version(v);
            versions[v] = dir -> SegmentWriter.write(dir, index);
        }
        swapsUnderSearch(Integer.getInteger("arbor.swap.count", 1000), versions);
    }

    /**
     * The same drill with the index kind changing under the readers: the writer cycles through a tree, two path
     * lattices and another tree and lattice, so that the swaps go tree to lattice, lattice to lattice and lattice to
     * tree. Each reader keeps one query per generation, of whichever kind it is.
     */
    @Test
    void swapsBetweenTreesAndLatticesUnderContinuousSearch() {
        Version[] versions = new Version[VERSIONS];
        for (int v = 0; v < VERSIONS; v++) {
            if (v % 3 == 0) {
                TreeIndex index = version(v);
                versions[v] = dir -> SegmentWriter.write(dir, index);
            } else {
                LatticeIndex index = RandomLattice.servable(ITEMS, v);
                versions[v] = dir -> SegmentWriter.write(dir, index);
            }
        }
        swapsUnderSearch(Integer.getInteger("arbor.swap.count", 1000) / 5, versions);
    }

    /** Publishes one content into an index directory. */
    @FunctionalInterface
    private interface Version {
        void publish(Path dir) throws IOException;
    }

    private void swapsUnderSearch(int swaps, Version[] versions) {
        AtomicLong swapsDone = new AtomicLong();
        AtomicLong queries = new AtomicLong();
        // Counts bound the work; the timeout is only a generous net for a hang, and says where it hung.
        assertTimeoutPreemptively(TIMEOUT, () -> swapUnderSearch(swaps, versions, swapsDone, queries), () -> "hung after "
                + swapsDone.get() + " of " + swaps + " swaps and " + queries.get() + " queries");
    }

    /** Which content a generation holds: the kind and the seed it was generated with. */
    private static String content(SegmentSearcher s) {
        Map<String, String> p = s.properties();
        return s.kind().label() + " " + p.getOrDefault("synthetic.seed", p.get("random.seed"));
    }

    private void swapUnderSearch(int swaps, Version[] versions, AtomicLong swapsDone, AtomicLong queries)
            throws Exception {
        Map<String, long[]> expected = new ConcurrentHashMap<>(); // by content
        long segmentBytes = 0;
        for (int v = 0; v < versions.length; v++) {
            Path ref = tmp.resolve("reference-" + v);
            versions[v].publish(ref);
            try (SegmentSearcher s = IndexDirectory.openLatestSearcher(ref, true)) {
                assertNull(expected.put(content(s), Answers.search(s, s.newQuery(), HISTORY, K, BEAM,
                        new SearchResult(K))), "two versions hold the same content");
            }
            try (Stream<Path> files = Files.walk(ref)) {
                segmentBytes = Math.max(segmentBytes, files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length())
                        .sum());
            }
        }
        Path dir = fastScratch().resolve("index");
        versions[0].publish(dir);
        SearcherManager manager = new SearcherManager(dir);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < READERS; t++) {
            readers.add(Thread.ofPlatform().name("reader-" + t)
                    .start(() -> search(manager, expected, stop, queries, failure)));
        }
        List<SearcherManager.Searcher> generations = new ArrayList<>();
        Resources baseline = null, peak = null;
        long t0 = System.nanoTime();
        for (int i = 1; i <= swaps && failure.get() == null; i++) {
            // Swap i waits for the readers' i-th query, so searches overlap the swaps however the threads are
            // scheduled on a busy machine.
            while (queries.get() < i && failure.get() == null) {
                Thread.onSpinWait();
                Thread.yield();
            }
            versions[i % versions.length].publish(dir);
            assertTrue(manager.maybeRefresh(), "swap " + i);
            SearcherManager.Searcher s = manager.acquire();
            generations.add(s);
            manager.release(s);
            swapsDone.set(i);
            if (i % 50 == 0) {
                Resources now = Resources.measure(dir);
                if (baseline == null) {
                    baseline = now; // after the JIT and the thread stacks have settled in
                }
                peak = Resources.max(peak, now);
            }
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000;
        stop.set(true);
        for (Thread t : readers) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a search failed during the swaps", failure.get());
        }
        SearcherManager.Searcher last = generations.getLast();
        for (SearcherManager.Searcher s : generations) {
            assertEquals(s == last ? 1 : 0, s.refCount(), "generation " + s.generation() + " is still referenced");
        }
        Resources held = Resources.measure(dir);
        manager.close();
        Resources after = Resources.measure(dir);
        System.out.printf("SearcherManagerTest: %d swaps in %d ms, %d queries by %d threads, 0 failed; fds %d..%d,"
                        + " mappings %d..%d, index mappings at most %d (live %d, after close %d), mapped bytes at most %d%n",
                swaps, seconds, queries.get(), READERS, baseline.fds, peak.fds, baseline.maps, peak.maps,
                peak.indexMaps, held.indexMaps, after.indexMaps, peak.mappedBytes);
        assertTrue(queries.get() >= swaps, "the readers ran " + queries.get() + " queries");
        assertEquals(0, after.indexMaps, "every mapping of the index is gone once the manager is closed");
        // The current segment plus at most one older generation per reader can be mapped at once.
        int live = 1 + READERS;
        assertTrue(peak.indexMaps <= 5 * live, "index mappings peaked at " + peak.indexMaps);
        assertTrue(peak.mappedBytes <= live * segmentBytes, "mapped bytes peaked at " + peak.mappedBytes);
        assertTrue(peak.fds - baseline.fds <= 8, "file descriptors grew from " + baseline.fds + " to " + peak.fds);
        // The JVM maps memory of its own as it runs (code cache, heap, arenas); a leak would add 5 per swap.
        assertTrue(peak.maps - baseline.maps < swaps / 2, "process mappings grew from " + baseline.maps + " to "
                + peak.maps);
    }

    /**
     * A directory on tmpfs when the machine has one: each publish fsyncs nine times, which on a disk costs
     * some 50 ms and would stretch a thousand swaps past a minute; the publish code path is the same.
     */
    private Path fastScratch() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm) || !Files.isWritable(shm)) {
            return tmp;
        }
        Path dir = Files.createTempDirectory(shm, "arbor-swap-");
        scratch = dir;
        return dir;
    }

    @AfterEach
    void deleteScratch() throws IOException {
        if (scratch != null) {
            try (Stream<Path> files = Files.walk(scratch)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void search(SearcherManager manager, Map<String, long[]> expected, AtomicBoolean stop,
                               AtomicLong queries, AtomicReference<Throwable> failure) {
        SearcherManager.Searcher queryOwner = null;
        SegmentSearcher.Query query = null;
        SearchResult result = new SearchResult(K);
        try {
            while (!stop.get()) {
                SearcherManager.Searcher s = manager.acquire();
                try {
                    if (s != queryOwner) { // queries belong to one generation
                        queryOwner = s;
                        query = s.searcher().newQuery();
                    }
                    long[] answer = Answers.search(s.searcher(), query, HISTORY, K, BEAM, result);
                    String content = content(s.searcher());
                    assertArrayEquals(expected.get(content), answer,
                            "generation " + s.generation() + " (" + content + ") answered from another version");
                    queries.incrementAndGet();
                } finally {
                    manager.release(s);
                }
                // A breath between queries leaves the two shared cores to the writer, so a thousand publishes
                // fit in the test's time; thousands of queries still overlap the swaps.
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /** Open file descriptors, process mappings, mappings of the index's files, and mapped-buffer bytes. */
    private record Resources(int fds, int maps, int indexMaps, long mappedBytes) {
        static Resources measure(Path dir) throws IOException {
            int fds;
            try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
                fds = (int) s.count();
            }
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
            String prefix = dir.toString() + "/";
            long mapped = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(p -> p.getName().equals("mapped")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
            return new Resources(fds, maps.size(), (int) maps.stream().filter(l -> l.contains(prefix)).count(), mapped);
        }

        static Resources max(Resources a, Resources b) {
            return a == null ? b : new Resources(Math.max(a.fds, b.fds), Math.max(a.maps, b.maps),
                    Math.max(a.indexMaps, b.indexMaps), Math.max(a.mappedBytes, b.mappedBytes));
        }
    }
}
