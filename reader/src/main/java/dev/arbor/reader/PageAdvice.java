package dev.arbor.reader;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * Paging advice ({@code madvise(2)}) for memory-mapped segment files, called through the FFM linker.
 *
 * <p>A freshly shipped segment is not in the page cache, so the first queries fault its pages in. The
 * kernel's default for a file mapping is to read around each fault; {@link Access#RANDOM} turns that
 * off (each fault reads one page), {@link Access#WILLNEED} starts asynchronous read-ahead of the whole
 * range (asked for in 128 KiB pieces, as the kernel reads at most one read-ahead window per call; the
 * call itself can block while the device queue is full). Only advice that never changes the contents of a mapping is offered (no {@code MADV_DONTNEED}),
 * so rounding a region out to whole pages cannot harm its neighbours.
 *
 * <p>Where the C library lacks {@code madvise} (non-Linux), {@link #supported()} is false and
 * {@link #advise} does nothing. The downcall plumbing ({@link #downcall}, {@link #errno}) is public so
 * that benchmark tooling can reach other libc calls the same way.
 */
public final class PageAdvice {
    /** The {@code madvise} advice values; the numbers are Linux's (and POSIX's {@code POSIX_MADV_*}). */
    public enum Access {
        NORMAL(0), RANDOM(1), SEQUENTIAL(2), WILLNEED(3);

        /** The {@code MADV_*} constant. */
        public final int code;

        Access(int code) {
            this.code = code;
        }
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** {@code _SC_PAGESIZE} on Linux. */
    private static final int SC_PAGESIZE = 30;
    private static final MethodHandle MADVISE = downcall("madvise",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT))
            .orElse(null);
    private static final long PAGE_SIZE = queryPageSize();
    /** Linux's default {@code read_ahead_kb}: no device caps a WILLNEED below it. */
    private static final long WILLNEED_CHUNK = 128 * 1024;

    private PageAdvice() {
    }

    /** Whether {@code madvise} was found; when false, {@link #advise} is a no-op. */
    public static boolean supported() {
        return MADVISE != null;
    }

    /** The page size from {@code sysconf(_SC_PAGESIZE)}, or 4096 where that cannot be called. */
    public static long pageSize() {
        return PAGE_SIZE;
    }

    private static long queryPageSize() {
        Optional<MethodHandle> sysconf = downcall("sysconf", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        if (sysconf.isPresent()) {
            try (Arena arena = Arena.ofConfined()) {
                long size = (long) sysconf.get().invokeExact(newCallState(arena), SC_PAGESIZE);
                if (size > 0 && Long.bitCount(size) == 1) {
                    return size;
                }
            } catch (Throwable t) {
                throw new IllegalStateException("sysconf(_SC_PAGESIZE) failed", t);
            }
        }
        return 4096;
    }

    /**
     * Gives {@code advice} for the pages that hold {@code region}, a live native segment (normally a view
     * of a {@code FileChannel.map} mapping). The start is rounded down and the end up to whole pages.
     *
     * @throws IllegalStateException when the region's arena is closed, or {@code madvise} fails (the message
     *                               names the advice and errno)
     */
    public static void advise(MemorySegment region, Access advice) {
        if (!region.isNative()) {
            throw new IllegalArgumentException("madvise needs a native (mapped) segment, not a heap segment");
        }
        if (!region.scope().isAlive()) {
            throw new IllegalStateException("cannot give " + advice + " advice: the segment is closed");
        }
        if (MADVISE == null || region.byteSize() == 0) {
            return;
        }
        long start = region.address() & -PAGE_SIZE;
        long end = (region.address() + region.byteSize() + PAGE_SIZE - 1) & -PAGE_SIZE;
        // Linux caps one WILLNEED at the device's read-ahead window (force_page_cache_ra: max(read_ahead_kb,
        // max_sectors_kb)) and silently drops the rest, so a whole-file WILLNEED reads only its first few
        // MiB. Asking chunk by chunk reads the whole range.
        long step = advice == Access.WILLNEED ? WILLNEED_CHUNK : end - start;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = newCallState(arena);
            for (long at = start; at < end; at += step) {
                long length = Math.min(step, end - at);
                // A close racing with this call unmaps the range first: madvise then fails with ENOMEM, it cannot crash.
                int rc = (int) MADVISE.invokeExact(state, MemorySegment.ofAddress(at), length, advice.code);
                if (rc != 0) {
                    throw new IllegalStateException("madvise(MADV_" + advice + ") on " + length + " bytes at 0x"
                            + Long.toHexString(at) + " failed: errno " + errno(state));
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("madvise(" + advice + ") failed", t);
        }
    }

    /**
     * A handle on the C library's {@code name} with errno captured, or empty where the symbol is missing.
     * The handle takes a call-state segment ({@link #newCallState}) before the C arguments.
     */
    public static Optional<MethodHandle> downcall(String name, FunctionDescriptor descriptor) {
        SymbolLookup libc = LINKER.defaultLookup();
        return libc.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor,
                Linker.Option.captureCallState("errno")));
    }

    /** A call-state segment for one {@link #downcall} handle invocation. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** The errno a {@link #downcall} handle captured into {@code state}. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
