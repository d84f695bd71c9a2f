package dev.arbor.history;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * One store file, mapped: a header and a power-of-two number of fixed-stride slots, one per user, found by linear
 * probing on the key's hash. Every mutation ends in one aligned 8-byte store of the slot's control word, which
 * publishes it; until then the slot's visible state is untouched, so a process killed at any instruction leaves
 * each slot either before or after its last mutation.
 *
 * <p>Layout, little-endian. Header, 64 bytes: magic {@code ARBORHST}, version (i32), historyLength H (i32),
 * capacity in slots (i64), slot stride in bytes (i32), key limit in bytes (i32), hash seed (i64), CRC32 of the
 * 40 bytes before it (i32), zero padding. Slot, {@code 272 + 32 H} bytes rounded up to 64: control (i64), key
 * hash (i64), key (256 bytes, UTF-8), then two copies of the history, each H timestamps (i64) then H item ids
 * (i64), oldest first. Control: bits 0-15 the live copy's event count, bits 16-31 the key length (0: the slot
 * is empty), bits 32-63 a version that every mutation increments; its low bit names the live copy.
 *
 * <p>Thread safety is the caller's: it serialises the mutations of one slot, serialises insertions, and keeps
 * {@link #close} apart from all use. Reads may run beside a mutation of their slot (see {@link #read}).
 */
final class SlotTable implements AutoCloseable {
    static final int VERSION = 1;
    static final int HEADER_BYTES = 64;
    static final long MAX_CAPACITY = 1L << 30;
    private static final long MAGIC = 0x5453_4852_4F42_5241L; // "ARBORHST" little-endian
    private static final int HEADER_CRC_OFFSET = 40;
    private static final int KEY_OFFSET = 16;
    private static final int COPIES_OFFSET = KEY_OFFSET + UserKey.MAX_BYTES;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle CONTROL = LONG.varHandle();

    private final Arena arena;
    private final MemorySegment data;
    private final int historyLength;
    private final long capacity;
    private final long stride;
    private final long seed;
    private final boolean forceWrites;
    private final long users;

    private SlotTable(Arena arena, MemorySegment data, int historyLength, long capacity, long seed, boolean forceWrites,
                      long users) {
        this.arena = arena;
        this.data = data;
        this.historyLength = historyLength;
        this.capacity = capacity;
        this.stride = stride(historyLength);
        this.seed = seed;
        this.forceWrites = forceWrites;
        this.users = users;
    }

    static long stride(int historyLength) {
        return (COPIES_OFFSET + 32L * historyLength + 63) & ~63L;
    }

    static long fileBytes(int historyLength, long capacity) {
        return HEADER_BYTES + capacity * stride(historyLength);
    }

    /**
     * Makes a new empty table at {@code path}, which must not exist (and does not after a failure). The whole file
     * is written (zeros), so a full disk fails here with an IOException instead of faulting on a later write through
     * the mapping. Nothing is forced to disk: call {@link #force()}.
     */
    static SlotTable create(Path path, int historyLength, long capacity, long seed, boolean forceWrites) throws IOException {
        long size = fileBytes(historyLength, capacity);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Arena arena = Arena.ofShared();
        try (FileChannel ch = channel) {
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (long pos = 0; pos < size; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - pos));
                pos += ch.write(zeros, pos);
            }
            MemorySegment data = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            data.set(LONG, 0, MAGIC);
            data.set(INT, 8, VERSION);
            data.set(INT, 12, historyLength);
            data.set(LONG, 16, capacity);
            data.set(INT, 24, (int) stride(historyLength));
            data.set(INT, 28, UserKey.MAX_BYTES);
            data.set(LONG, 32, seed);
            data.set(INT, HEADER_CRC_OFFSET, headerCrc(data));
            return new SlotTable(arena, data, historyLength, capacity, seed, forceWrites, 0);
        } catch (IOException | RuntimeException e) {
            arena.close();
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /**
     * Maps the existing store file {@code path} and checks its header and every slot's control word and key hash.
     *
     * @throws IOException naming the file and the field that is wrong
     */
    static SlotTable open(Path path, int historyLength, boolean forceWrites) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size < HEADER_BYTES) {
                throw problem(path, "file is " + size + " bytes, shorter than the " + HEADER_BYTES + "-byte header: truncated?");
            }
            MemorySegment data = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            long magic = data.get(LONG, 0);
            if (magic != MAGIC) {
                throw problem(path, String.format("magic is 0x%016x, expected 0x%016x: not an Arbor history store", magic, MAGIC));
            }
            int version = data.get(INT, 8);
            if (version != VERSION) {
                throw problem(path, "version is " + version + ", this reader supports " + VERSION);
            }
            int crc = data.get(INT, HEADER_CRC_OFFSET);
            if (crc != headerCrc(data)) {
                throw problem(path, String.format("headerCrc is 0x%08x but the header hashes to 0x%08x: damaged header",
                        crc, headerCrc(data)));
            }
            int storedH = data.get(INT, 12);
            if (storedH != historyLength) {
                throw problem(path, "historyLength is " + storedH + ", but the store was opened for " + historyLength
                        + ": the model's history length changed (move the file aside to start afresh)");
            }
            long capacity = data.get(LONG, 16);
            if (capacity <= 0 || capacity > MAX_CAPACITY || Long.bitCount(capacity) != 1) {
                throw problem(path, "capacity is " + capacity + ", expected a power of two up to " + MAX_CAPACITY);
            }
            int stride = data.get(INT, 24);
            if (stride != stride(historyLength)) {
                throw problem(path, "slotBytes is " + stride + ", expected " + stride(historyLength) + " for historyLength "
                        + historyLength);
            }
            int keyLimit = data.get(INT, 28);
            if (keyLimit != UserKey.MAX_BYTES) {
                throw problem(path, "maxKeyBytes is " + keyLimit + ", expected " + UserKey.MAX_BYTES);
            }
            if (size != fileBytes(historyLength, capacity)) {
                throw problem(path, "file is " + size + " bytes, but capacity " + capacity + " of " + stride
                        + "-byte slots needs " + fileBytes(historyLength, capacity) + ": truncated or padded");
            }
            long seed = data.get(LONG, 32);
            long users = 0;
            for (long slot = 0; slot < capacity; slot++) {
                long at = HEADER_BYTES + slot * stride;
                long control = data.get(LONG, at);
                if (control == 0) {
                    continue;
                }
                int count = count(control), keyLength = keyLength(control);
                if (keyLength < 1 || keyLength > UserKey.MAX_BYTES || count < 1 || count > historyLength) {
                    throw problem(path, String.format("slot %d: control word 0x%016x holds key length %d and count %d",
                            slot, control, keyLength, count));
                }
                if (data.get(LONG, at + 8) != UserKey.hash(data, at + KEY_OFFSET, keyLength, seed)) {
                    throw problem(path, "slot " + slot + ": the key's stored hash does not match its bytes");
                }
                users++;
            }
            return new SlotTable(arena, data, historyLength, capacity, seed, forceWrites, users);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static IOException problem(Path path, String what) {
        return new IOException(path + ": " + what);
    }

    private static int headerCrc(MemorySegment data) {
        CRC32 crc = new CRC32();
        crc.update(data.asSlice(0, HEADER_CRC_OFFSET).asByteBuffer());
        return (int) crc.getValue();
    }

    private static int count(long control) {
        return (int) (control & 0xFFFF);
    }

    private static int keyLength(long control) {
        return (int) (control >>> 16 & 0xFFFF);
    }

    private static long control(int count, int keyLength, long version) {
        return version << 32 | (long) keyLength << 16 | count;
    }

    long capacity() {
        return capacity;
    }

    long seed() {
        return seed;
    }

    /** The number of users at {@link #open}; the caller counts from there. */
    long users() {
        return users;
    }

    long byteSize() {
        return data.byteSize();
    }

    private long slotOffset(long slot) {
        return HEADER_BYTES + slot * stride;
    }

    /** Byte offset of copy {@code copy}'s timestamps in the slot at {@code at}; its item ids follow H longs later. */
    private long copyOffset(long at, long copy) {
        return at + COPIES_OFFSET + copy * 16L * historyLength;
    }

    /** The slot holding {@code key}, or {@code -(empty slot) - 1} where its probe sequence ends. */
    long find(UserKey key, long hash) {
        long mask = capacity - 1;
        for (long slot = hash & mask; ; slot = slot + 1 & mask) {
            long at = slotOffset(slot);
            long control = (long) CONTROL.getAcquire(data, at);
            if (control == 0) {
                return -slot - 1;
            }
            if (keyLength(control) == key.length && data.get(LONG, at + 8) == hash
                    && MemorySegment.mismatch(data, at + KEY_OFFSET, at + KEY_OFFSET + key.length, key.segment, 0, key.length) == -1) {
                return slot;
            }
        }
    }

    /**
     * Puts a new user with its first event into the first empty slot from {@code from} on (another user may have
     * taken {@code from} since the caller's {@link #find}), and returns the slot. Key, hash and history are written
     * first; the control word publishes them.
     */
    long insert(long from, UserKey key, long hash, long ts, long item) {
        long mask = capacity - 1;
        long slot = from;
        while ((long) CONTROL.getAcquire(data, slotOffset(slot)) != 0) {
            slot = slot + 1 & mask;
        }
        long at = slotOffset(slot);
        data.set(LONG, at + 8, hash);
        MemorySegment.copy(key.segment, 0, data, at + KEY_OFFSET, key.length);
        long copy = copyOffset(at, 0);
        data.set(LONG, copy, ts);
        data.set(LONG, copy + 8L * historyLength, item);
        if (forceWrites) {
            data.asSlice(at, stride).force();
        }
        CONTROL.setRelease(data, at, control(1, key.length, 0));
        forceControl(at);
        return slot;
    }

    /**
     * Adds an event to the user in {@code slot}: keeps the newest H in timestamp order (ties in arrival order) and
     * drops an event older than all of a full history. The new history goes to the copy that is not live, and the
     * control word then switches copies.
     */
    void append(long slot, long ts, long item) {
        long at = slotOffset(slot);
        long control = data.get(LONG, at);
        int count = count(control);
        long version = control >>> 32;
        long live = copyOffset(at, version & 1), next = copyOffset(at, ~version & 1);
        long items = 8L * historyLength;
        int pos = count;
        while (pos > 0 && data.get(LONG, live + 8L * (pos - 1)) > ts) {
            pos--;
        }
        int evict = count == historyLength ? 1 : 0;
        if (evict == 1 && pos == 0) {
            return;
        }
        // A reader may still be copying `next` from before the last switch: these writes must not be seen before that
        // switch is, so the reader's recheck of the control word fails whenever it saw any of them.
        VarHandle.storeStoreFence();
        long before = 8L * (pos - evict), after = 8L * (count - pos);
        MemorySegment.copy(data, live + 8L * evict, data, next, before);
        MemorySegment.copy(data, live + items + 8L * evict, data, next + items, before);
        data.set(LONG, next + before, ts);
        data.set(LONG, next + items + before, item);
        MemorySegment.copy(data, live + 8L * pos, data, next + before + 8, after);
        MemorySegment.copy(data, live + items + 8L * pos, data, next + items + before + 8, after);
        if (forceWrites) {
            data.asSlice(next, 2 * items).force();
        }
        CONTROL.setRelease(data, at, control(count + 1 - evict, keyLength(control), version + 1));
        forceControl(at);
    }

    private void forceControl(long at) {
        if (forceWrites) {
            data.asSlice(at, 8).force();
        }
    }

    /**
     * Copies the item ids of the user in {@code slot} into {@code items}, oldest first, and returns how many. Safe
     * beside an {@link #append} to the same slot: a seqlock on the control word retries a copy the append overlapped.
     */
    int read(long slot, long[] items) {
        long at = slotOffset(slot);
        for (; ; ) {
            long control = (long) CONTROL.getAcquire(data, at);
            int count = count(control);
            MemorySegment.copy(data, LONG, copyOffset(at, control >>> 32 & 1) + 8L * historyLength, items, 0, count);
            VarHandle.loadLoadFence();
            if ((long) CONTROL.getAcquire(data, at) == control) {
                return count;
            }
        }
    }

    /** Copies every user into {@code bigger}, an empty table with the same history length and seed. */
    void copyInto(SlotTable bigger) {
        long mask = bigger.capacity - 1;
        for (long slot = 0; slot < capacity; slot++) {
            long at = slotOffset(slot);
            if (data.get(LONG, at) == 0) {
                continue;
            }
            long to = data.get(LONG, at + 8) & mask;
            while (bigger.data.get(LONG, bigger.slotOffset(to)) != 0) {
                to = to + 1 & mask;
            }
            MemorySegment.copy(data, at, bigger.data, bigger.slotOffset(to), stride);
        }
    }

    /** Writes the whole mapping back to disk. */
    void force() {
        data.force();
    }

    /** Unmaps the file; any later access fails instead of touching freed memory. */
    @Override
    public void close() {
        arena.close();
    }
}
