package dev.arbor.history;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Each user's last H item ids (H = the model's history length), ordered by event timestamp, in one memory-mapped
 * file: a hash table of fixed-stride slots (layout in {@link SlotTable}), so a lookup is arithmetic and a key
 * compare in the mapping, with no heap index.
 *
 * <p><b>Durability.</b> Every append is crash-atomic: it writes the user's new history into the slot's spare copy
 * and then switches copies with one aligned 8-byte store; a new user's key is written before the store that
 * publishes its slot. Writes to a shared mapping are in the page cache the moment they are made, and the page cache
 * outlives the process, so under {@link Durability#PROCESS_CRASH} (the default) an append that returned survives
 * {@code kill -9}, and a kill in the middle of one leaves the user's history as it was before it. It does not survive
 * a power loss or kernel crash until the kernel writes the pages back (typically within 30 s), and such a loss
 * may then also tear a slot. {@link Durability#POWER_LOSS} forces the spare copy to disk before the switch and the
 * switch before returning, so the same holds across power loss, at the cost of two synchronous disk writes per
 * append (milliseconds instead of about a microsecond). {@link #close()} writes everything back in both modes.
 *
 * <p><b>Growth.</b> Past a load factor of 0.7 the table is rebuilt at twice the capacity in {@code <file>.grow},
 * which is written to disk and renamed over the store file; appends and reads wait for that moment. A crash
 * during growth leaves the old file whole and a stale {@code .grow} file that the next {@link #open} deletes.
 *
 * <p><b>Concurrency.</b> Appends to one user are serialised by a striped lock; new users are inserted one at a
 * time. {@link #read} takes no slot lock: it copies the live copy and retries if the control word changed meanwhile,
 * so it allocates nothing and does not wait for an append in progress. One process at a time: {@link #open} locks
 * {@code <file>.lock} (a sibling, because growth replaces the store file itself).
 *
 * <p>{@link #open} checks the header and every slot's control word, reading a little of every slot: on a cold
 * page cache that is about the whole file.
 */
public final class HistoryStore implements Closeable {
    /** How far an acknowledged append is guaranteed to survive. */
    public enum Durability {
        /** Survives the process being killed at any moment; returns in about a microsecond. */
        PROCESS_CRASH,
        /** Also survives power loss and kernel crashes: every append waits for two disk writes. */
        POWER_LOSS
    }

    /** The longest history: event counts take 16 bits of a slot's control word. */
    public static final int MAX_HISTORY_LENGTH = 0xFFFF;
    private static final int MIN_CAPACITY = 8;
    /** Lock stripes for appends, picked by the top 6 bits of the key hash (the low bits pick the slot). */
    private static final int STRIPES = 64;

    private final Path file;
    private final Path growFile;
    private final int historyLength;
    private final Durability durability;
    private final FileChannel lockChannel;
    /** Held by appends and reads, taken exclusively to replace {@link #table} or close. */
    private final StampedLock tableLock = new StampedLock();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    /** Serialises claiming empty slots and {@link #users}. */
    private final ReentrantLock insertLock = new ReentrantLock();
    /** Volatile for {@link #fileBytes()}, which reads it without the table lock. */
    private volatile SlotTable table;
    private volatile long users;
    private boolean closed;

    private HistoryStore(Path file, Path growFile, int historyLength, Durability durability, FileChannel lockChannel,
                         SlotTable table) {
        this.file = file;
        this.growFile = growFile;
        this.historyLength = historyLength;
        this.durability = durability;
        this.lockChannel = lockChannel;
        this.table = table;
        this.users = table.users();
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Opens or creates the store file; a new file starts with room for initialUsers users and grows as needed. */
    public static HistoryStore open(Path file, int historyLength, int initialUsers) throws IOException {
        return open(file, historyLength, initialUsers, Durability.PROCESS_CRASH);
    }

    /**
     * Opens or creates the store file with the given durability (which is a property of this opening, not of the
     * file). {@code initialUsers} only sizes a new file.
     *
     * @throws IOException naming the file: another opener holds it, or its header or a slot is damaged, or it was
     *                     made for another history length
     */
    public static HistoryStore open(Path file, int historyLength, int initialUsers, Durability durability) throws IOException {
        if (historyLength < 1 || historyLength > MAX_HISTORY_LENGTH) {
            throw new IllegalArgumentException("historyLength " + historyLength + " is outside [1, " + MAX_HISTORY_LENGTH + "]");
        }
        if (initialUsers < 0) {
            throw new IllegalArgumentException("initialUsers " + initialUsers + " is negative");
        }
        Path lockFile = sibling(file, ".lock");
        FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new IOException(file + ": already open in this process (" + lockFile + " is locked)");
            }
            if (lock == null) {
                throw new IOException(file + ": open in another process (" + lockFile + " is locked)");
            }
            Path growFile = sibling(file, ".grow");
            Files.deleteIfExists(growFile); // a crash while growing or creating the store left it
            if (Files.notExists(file)) {
                long capacity = MIN_CAPACITY;
                while (maxUsers(capacity) < initialUsers) {
                    capacity *= 2;
                }
                SlotTable empty = SlotTable.create(growFile, historyLength, capacity, new SecureRandom().nextLong(), false);
                replace(empty, growFile, file);
                empty.close();
            }
            return new HistoryStore(file, growFile, historyLength, durability, lockChannel,
                    SlotTable.open(file, historyLength, durability == Durability.POWER_LOSS));
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
    }

    /** The load factor limit, 0.7: linear probing's chains stay short below it. */
    private static long maxUsers(long capacity) {
        return capacity * 7 / 10;
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /** Forces {@code table} (mapping {@code from}) to disk and renames it over {@code to}, durably. */
    private static void replace(SlotTable table, Path from, Path to) throws IOException {
        try {
            table.force();
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            // The rename itself is durable only once the directory is.
            try (FileChannel dir = FileChannel.open(to.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException | RuntimeException e) {
            table.close();
            Files.deleteIfExists(from);
            throw e;
        }
    }

    /** Appends one event; when it returns, the event survives kill -9 of this process. Thread-safe. */
    public void append(String userId, long itemId, long timestampMillis) throws IOException {
        UserKey key = UserKey.of(userId);
        for (; ; ) {
            SlotTable full;
            long stamp = tableLock.readLock();
            try {
                SlotTable t = openTable();
                long hash = key.hash(t.seed());
                ReentrantLock stripe = stripes[(int) (hash >>> 58)];
                stripe.lock();
                try {
                    long slot = t.find(key, hash);
                    if (slot >= 0) {
                        t.append(slot, timestampMillis, itemId);
                        return;
                    }
                    insertLock.lock();
                    try {
                        if (users < maxUsers(t.capacity())) {
                            t.insert(-slot - 1, key, hash, timestampMillis, itemId);
                            users++;
                            return;
                        }
                    } finally {
                        insertLock.unlock();
                    }
                    full = t;
                } finally {
                    stripe.unlock();
                }
            } finally {
                tableLock.unlockRead(stamp);
            }
            grow(full);
        }
    }

    /** Replaces {@code full} with a table of twice its capacity, unless another thread already did. */
    private void grow(SlotTable full) throws IOException {
        long stamp = tableLock.writeLock();
        try {
            if (openTable() != full) {
                return;
            }
            if (full.capacity() == SlotTable.MAX_CAPACITY) {
                throw new IOException(file + ": full at " + users + " users (capacity " + full.capacity() + ")");
            }
            SlotTable bigger = SlotTable.create(growFile, historyLength, full.capacity() * 2, full.seed(),
                    durability == Durability.POWER_LOSS);
            full.copyInto(bigger);
            replace(bigger, growFile, file);
            table = bigger;
            full.close();
        } finally {
            tableLock.unlockWrite(stamp);
        }
    }

    /**
     * Copies the user's history into items (most recent LAST), returns how many (0 for an unknown user). No
     * allocation. Thread-safe.
     *
     * @throws IllegalArgumentException if {@code items} is shorter than {@link #historyLength()}
     */
    public int read(String userId, long[] items) {
        if (items.length < historyLength) {
            throw new IllegalArgumentException("items has room for " + items.length + " ids, fewer than historyLength "
                    + historyLength);
        }
        UserKey key = UserKey.of(userId);
        long stamp = tableLock.readLock();
        try {
            SlotTable t = openTable();
            long slot = t.find(key, key.hash(t.seed()));
            return slot < 0 ? 0 : t.read(slot, items);
        } finally {
            tableLock.unlockRead(stamp);
        }
    }

    /** The table, once checked that the store is open; call with {@link #tableLock} held. */
    private SlotTable openTable() {
        if (closed) {
            throw new IllegalStateException(file + ": the history store is closed");
        }
        return table;
    }

    public int historyLength() {
        return historyLength;
    }

    public long userCount() {
        return users;
    }

    /** The store file's current size, for metrics. */
    public long fileBytes() {
        return table.byteSize();
    }

    public Path file() {
        return file;
    }

    /** Writes the mapping back to disk, unmaps it and releases the lock; later calls fail. Idempotent. */
    @Override
    public void close() {
        long stamp = tableLock.writeLock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try (lockChannel; SlotTable t = table) {
                t.force();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": closing", e);
        } finally {
            tableLock.unlockWrite(stamp);
        }
    }
}
