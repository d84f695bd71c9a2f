package dev.arbor.history;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal names the file (or the user_id rule) and what is wrong. */
class HistoryStoreErrorTest {
    @TempDir
    Path tmp;

    private Path storeWithOneUser() throws IOException {
        Path file = tmp.resolve("history");
        try (HistoryStore store = HistoryStore.open(file, 8, 4)) {
            store.append("u", 1, 1);
        }
        return file;
    }

    private static void assertOpenFails(Path file, int historyLength, String... words) {
        IOException e = assertThrows(IOException.class, () -> HistoryStore.open(file, historyLength, 4).close());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        for (String word : words) {
            assertTrue(e.getMessage().contains(word), () -> "\"" + word + "\" not in: " + e.getMessage());
        }
    }

    private static void patch(Path file, long offset, int xor) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ xor);
        }
    }

    @Test
    void wrongHistoryLength() throws IOException {
        Path file = storeWithOneUser();
        assertOpenFails(file, 69, "historyLength is 8", "69");
        try (HistoryStore store = HistoryStore.open(file, 8, 4)) {
            assertEquals(1, store.userCount(), "the refused opening left the file alone");
        }
    }

    @ParameterizedTest
    @CsvSource({"0, magic", "7, magic", "8, version", "12, headerCrc", "16, headerCrc", "24, headerCrc", "28, headerCrc",
            "32, headerCrc", "40, headerCrc"})
    void corruptedHeaderByte(long offset, String field) throws IOException {
        Path file = storeWithOneUser();
        patch(file, offset, 0x10);
        assertOpenFails(file, 8, field);
    }

    @Test
    void truncatedFile() throws IOException {
        Path file = storeWithOneUser();
        long size = Files.size(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size - 1);
        }
        assertOpenFails(file, 8, "file is " + (size - 1) + " bytes", "capacity", "truncated");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(10);
        }
        assertOpenFails(file, 8, "file is 10 bytes", "header", "truncated");
    }

    @Test
    void corruptSlot() throws IOException {
        Path file = storeWithOneUser();
        byte[] bytes = Files.readAllBytes(file);
        long stride = SlotTable.stride(8);
        int slot = 0;
        while (bytes[(int) (SlotTable.HEADER_BYTES + slot * stride)] == 0) {
            slot++;
        }
        patch(file, SlotTable.HEADER_BYTES + slot * stride + 3, 0x40); // key length 1 becomes 0x4001
        assertOpenFails(file, 8, "slot " + slot, "key length");
        patch(file, SlotTable.HEADER_BYTES + slot * stride + 3, 0x40);
        patch(file, SlotTable.HEADER_BYTES + slot * stride + 16, 0x01); // the key no longer matches its hash
        assertOpenFails(file, 8, "slot " + slot, "hash");
    }

    @Test
    void secondOpenerInThisProcess() throws IOException {
        Path file = tmp.resolve("history");
        try (HistoryStore store = HistoryStore.open(file, 8, 4)) {
            assertOpenFails(file, 8, "already open in this process");
            store.append("u", 1, 1);
        }
        try (HistoryStore store = HistoryStore.open(file, 8, 4)) {
            assertEquals(1, store.userCount(), "closing released the lock");
        }
    }

    @Test
    void secondOpenerInAnotherProcess() throws Exception {
        Path file = tmp.resolve("history");
        Path out = tmp.resolve("child.out"), err = tmp.resolve("child.err");
        try (HistoryStore store = HistoryStore.open(file, HistoryChild.H, 4)) {
            Process p = HistoryChild.start(out, err, "open", file.toString());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not finish");
            assertEquals(0, p.exitValue(), () -> readQuietly(err));
            String said = Files.readString(out).strip();
            assertTrue(said.startsWith(file.toString()) && said.contains("open in another process"), said);
            store.append("u", 1, 1); // the refused opener left the store alone
            assertEquals(1, store.read("u", new long[HistoryChild.H]));
        }
        Process p = HistoryChild.start(out, err, "open", file.toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not finish");
        assertEquals("opened " + file, Files.readString(out).strip(), "closing released the lock");
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void userIdLimits() throws IOException {
        try (HistoryStore store = HistoryStore.open(tmp.resolve("history"), 8, 4)) {
            String longest = "\uD83D\uDE00".repeat(64); // 64 four-byte characters: 256 bytes, the limit
            store.append(longest, 1, 1);
            assertEquals(1, store.read(longest, new long[8]));
            store.append("x".repeat(256), 2, 1);
            for (String bad : new String[] {"", "x".repeat(257), longest + "x", "\u00e9".repeat(129)}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.append(bad, 1, 1));
                assertTrue(e.getMessage().contains("user_id") && e.getMessage().contains("256"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> store.read(bad, new long[8]));
                assertTrue(e.getMessage().contains("user_id") && e.getMessage().contains("256"), e.getMessage());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.append("a\uD800", 1, 1));
            assertTrue(e.getMessage().contains("user_id"), e.getMessage());
            assertEquals(2, store.userCount());
        }
    }

    @Test
    void misuse() throws IOException {
        HistoryStore store = HistoryStore.open(tmp.resolve("history"), 8, 4);
        assertThrows(IllegalArgumentException.class, () -> store.read("u", new long[7]));
        store.close();
        store.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.append("u", 1, 1));
        assertTrue(e.getMessage().contains(store.file().toString()), e.getMessage());
        assertThrows(IllegalStateException.class, () -> store.read("u", new long[8]));
        assertThrows(IllegalArgumentException.class, () -> HistoryStore.open(tmp.resolve("h2"), 0, 4));
    }
}
