package dev.arbor.bench;

import dev.arbor.reader.PageAdvice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Benchmark tooling for the page cache (Linux only): how much of a mapping is resident ({@code mincore})
 * and dropping a file's clean pages ({@code posix_fadvise(POSIX_FADV_DONTNEED)}), so that a benchmark can
 * open a segment as a server opens a freshly shipped one. Uses {@link PageAdvice}'s downcall plumbing.
 */
public final class PageCache {
    private static final int O_RDONLY = 0;
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final MethodHandle MINCORE = require("mincore", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    private static final MethodHandle OPEN = require("open", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle FADVISE = require("posix_fadvise", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = require("close", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT));

    private PageCache() {
    }

    private static MethodHandle require(String name, FunctionDescriptor descriptor) {
        return PageAdvice.downcall(name, descriptor).orElse(null);
    }

    /** Whether this platform has every call used here. */
    public static boolean supported() {
        return MINCORE != null && OPEN != null && FADVISE != null && CLOSE != null;
    }

    private static void requireSupported() {
        if (!supported()) {
            throw new UnsupportedOperationException("mincore/posix_fadvise are not available on "
                    + System.getProperty("os.name"));
        }
    }

    /** Resident pages of {@code mapping} (a live mapping that starts on a page boundary). */
    public static long residentPages(MemorySegment mapping) {
        requireSupported();
        if (mapping.address() % PageAdvice.pageSize() != 0) {
            throw new IllegalArgumentException("mincore needs a page-aligned start");
        }
        long pages = pages(mapping);
        if (pages == 0) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = PageAdvice.newCallState(arena);
            MemorySegment vec = arena.allocate(pages);
            int rc = (int) MINCORE.invokeExact(state, mapping, mapping.byteSize(), vec);
            if (rc != 0) {
                throw new IllegalStateException("mincore failed: errno " + PageAdvice.errno(state));
            }
            long resident = 0;
            for (long i = 0; i < pages; i++) {
                resident += vec.get(ValueLayout.JAVA_BYTE, i) & 1;
            }
            return resident;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mincore failed", t);
        }
    }

    /** Pages in {@code mapping}, rounded up. */
    public static long pages(MemorySegment mapping) {
        return pagesOf(mapping.byteSize());
    }

    /** Resident pages of {@code file}, through a temporary mapping (mapping faults nothing in). */
    public static long residentPages(Path file) {
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.size() == 0 ? 0 : residentPages(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pages of {@code file}, rounded up. */
    public static long pages(Path file) {
        try {
            return pagesOf(java.nio.file.Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long pagesOf(long bytes) {
        long page = PageAdvice.pageSize();
        return (bytes + page - 1) / page;
    }

    /**
     * Drops {@code file}'s clean, unmapped pages from the page cache. Pages some process still maps stay:
     * close the segment first.
     */
    public static void evict(Path file) {
        requireSupported();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = PageAdvice.newCallState(arena);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_RDONLY);
            if (fd < 0) {
                throw new IllegalStateException("open(" + file + ") failed: errno " + PageAdvice.errno(state));
            }
            try {
                // posix_fadvise returns the error number itself rather than setting errno.
                int rc = (int) FADVISE.invokeExact(state, fd, 0L, 0L, POSIX_FADV_DONTNEED);
                if (rc != 0) {
                    throw new IllegalStateException("posix_fadvise(" + file + ", DONTNEED) failed: error " + rc);
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(state, fd);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("evicting " + file + " failed", t);
        }
    }
}
