package dev.arbor.history;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read path allocates nothing: the server calls it on every request. */
class HistoryStoreReadTest {
    @TempDir
    Path tmp;

    @Test
    void readAllocatesNothing() throws IOException {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String[] users = new String[1000];
        try (HistoryStore store = HistoryStore.open(tmp.resolve("history"), 69, 1000)) {
            for (int u = 0; u < users.length; u++) {
                users[u] = Integer.toString(u * 7919); // ids as the server passes them: decimal strings
                for (int i = 0; i < 80; i++) {
                    store.append(users[u], i, i);
                }
            }
            long[] items = new long[69];
            long sum = 0;
            for (int round = 0; round < 2; round++) { // the first round warms up (class loading, thread-local, JIT)
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200_000; i++) {
                    sum += store.read(users[i % users.length], items);
                    sum += store.read("unknown", items);
                }
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                if (round == 1) {
                    assertEquals(0, allocated, "bytes allocated by 400,000 reads");
                }
            }
            assertEquals(2 * 200_000L * 69, sum);
        }
    }
}
