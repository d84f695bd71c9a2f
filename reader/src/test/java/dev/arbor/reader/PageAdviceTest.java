package dev.arbor.reader;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageAdviceTest {
    @TempDir
    Path dir;

    @Test
    void supportedOnLinuxWithARealPageSize() {
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            assertTrue(PageAdvice.supported(), "madvise is in every Linux libc");
        }
        long page = PageAdvice.pageSize();
        assertTrue(page >= 4096 && Long.bitCount(page) == 1, "page size " + page);
    }

    @Test
    void adviceLeavesSearchResultsUnchanged() throws Exception {
        TreeIndex index = SyntheticIndex.generate(5000, 2, ModelKind.ATTENTION_DNN, 3);
        SegmentWriter.write(dir, index);
        long[][] histories = new long[5][];
        SplittableRandom r = new SplittableRandom(11);
        for (int q = 0; q < histories.length; q++) {
            histories[q] = SyntheticIndex.sampleHistory(index, 30, 4, r);
        }
        long[][] before = searchAll(histories, null);
        for (PageAdvice.Access advice : PageAdvice.Access.values()) {
            long[][] after = searchAll(histories, advice);
            for (int q = 0; q < histories.length; q++) {
                assertArrayEquals(before[q], after[q], advice + ", query " + q);
            }
        }
    }

    private long[][] searchAll(long[][] histories, PageAdvice.Access advice) throws Exception {
        try (TreeSegment segment = IndexDirectory.openLatest(dir)) {
            if (advice != null) {
                segment.advise(advice);
                PageAdvice.advise(segment.embeddings(), advice);
                // A region that starts and ends inside pages is rounded out to whole pages, not refused.
                PageAdvice.advise(segment.embeddings().asSlice(100, 1000), advice);
            }
            BeamSearcher searcher = new BeamSearcher(segment);
            SearchContext ctx = searcher.newContext();
            SearchResult result = new SearchResult(50);
            long[][] ids = new long[histories.length][];
            for (int q = 0; q < histories.length; q++) {
                searcher.search(ctx.reset().history(histories[q], histories[q].length), 50, 100, result);
                ids[q] = new long[result.count()];
                for (int i = 0; i < result.count(); i++) {
                    ids[q][i] = result.itemId(i);
                }
            }
            return ids;
        }
    }

    @Test
    void embeddingsAreMappedForRandomAccessAndVerifiedSequentially() throws Exception {
        Path smaps = Path.of("/proc/self/smaps");
        org.junit.jupiter.api.Assumptions.assumeTrue(PageAdvice.supported() && java.nio.file.Files.isReadable(smaps),
                "needs Linux's /proc/self/smaps, whose VmFlags show the advice (rr = random, sr = sequential)");
        SegmentWriter.write(dir, SyntheticIndex.generate(3000, 2, ModelKind.MLP, 3));
        try (TreeSegment segment = IndexDirectory.openLatest(dir)) {
            Path embeddings = segment.directory().resolve("embeddings.arb");
            Path items = segment.directory().resolve("items.arb");
            assertTrue(vmFlags(smaps, embeddings).contains(" rr"), "after open: " + vmFlags(smaps, embeddings));
            assertFalse(vmFlags(smaps, items).matches(".* [rs]r( .*|$)"), "ids keep read-around: " + vmFlags(smaps, items));
            segment.advise(PageAdvice.Access.SEQUENTIAL);
            assertTrue(vmFlags(smaps, embeddings).contains(" sr"), "after SEQUENTIAL: " + vmFlags(smaps, embeddings));
            segment.checkIntegrity();
            assertTrue(vmFlags(smaps, embeddings).contains(" rr"), "checkIntegrity restores random access: "
                    + vmFlags(smaps, embeddings));
        }
    }

    /** The VmFlags line of this process's mapping of {@code file}. */
    private static String vmFlags(Path smaps, Path file) throws java.io.IOException {
        java.util.List<String> lines = java.nio.file.Files.readAllLines(smaps);
        String name = file.toRealPath().toString();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith(" " + name)) {
                for (int j = i + 1; j < lines.size(); j++) {
                    if (lines.get(j).startsWith("VmFlags:")) {
                        return lines.get(j);
                    }
                }
            }
        }
        return fail("no mapping of " + name + " in " + smaps);
    }

    @Test
    void adviceAfterCloseFailsClearly() throws Exception {
        SegmentWriter.write(dir, SyntheticIndex.generate(300, 2, ModelKind.MLP, 3));
        TreeSegment segment = IndexDirectory.openLatest(dir);
        segment.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> segment.advise(PageAdvice.Access.WILLNEED));
        assertTrue(e.getMessage().contains("closed") && e.getMessage().contains("WILLNEED"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> PageAdvice.advise(segment.embeddings(), PageAdvice.Access.RANDOM));
    }

    @Test
    void heapSegmentsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> PageAdvice.advise(java.lang.foreign.MemorySegment.ofArray(new byte[8192]), PageAdvice.Access.RANDOM));
    }

    @Test
    void kernelRefusalNamesAdviceAndErrno() {
        // Anonymous memory that is not mapped at all: madvise answers ENOMEM (12), which must surface.
        try (Arena arena = Arena.ofConfined()) {
            var unmapped = java.lang.foreign.MemorySegment.ofAddress(PageAdvice.pageSize()).reinterpret(
                    PageAdvice.pageSize(), arena, null);
            if (PageAdvice.supported()) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> PageAdvice.advise(unmapped, PageAdvice.Access.WILLNEED));
                assertTrue(e.getMessage().contains("MADV_WILLNEED") && e.getMessage().contains("errno 12"), e.getMessage());
            }
        }
    }
}
