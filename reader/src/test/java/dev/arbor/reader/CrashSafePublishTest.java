package dev.arbor.reader;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.SegmentFormat;
import dev.arbor.writer.SegmentWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer JVM ({@link PublishLoop}) with SIGKILL at random moments, 50 times by default
 * ({@code -Darbor.crash.kills=N} for more). After every kill the directory must open, verified, at a
 * commit no older than the last one the writer acknowledged, and answer exactly as that generation's
 * content does; a later writer must remove every {@code .tmp-} leftover.
 *
 * <p>SIGKILL loses no page cache, so this tests the publish protocol (ordering, renames, cleanup), not
 * fsync against power loss.
 */
class CrashSafePublishTest {
    private static final long[] HISTORY = new SplittableRandom(17).longs(30, 0, PublishLoop.ITEMS)
            .map(ordinal -> dev.arbor.synth.SyntheticIndex.itemId((int) ordinal)).toArray();

    @TempDir
    Path tmp;
    private final Map<Long, long[]> expected = new HashMap<>();

    /** The writer JVM of the current round, killed by {@link #killWriter} if the test ends with it alive. */
    private volatile Process child;
    /** What the test is doing, for the timeout's message. */
    private volatile String phase = "starting";

    @Test
    void killedWriterLeavesTheLastCommitIntactAndItsLeftoversAreCleanedUp() {
        int kills = Integer.getInteger("arbor.crash.kills", 50);
        // The kill count bounds the work; the timeout is only a generous net for a hang, and says where it hung.
        assertTimeoutPreemptively(Duration.ofMinutes(10), () -> killAndVerify(kills), () -> "hung at " + phase);
    }

    @AfterEach
    void killWriter() {
        Process p = child;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    private void killAndVerify(int kills) throws Exception {
        Path dir = tmp.resolve("index");
        SegmentWriter.write(dir, PublishLoop.content(1));
        long acknowledged = 1;
        SplittableRandom random = new SplittableRandom(23);
        Map<String, Integer> killedDuring = new TreeMap<>();
        int verifiedCommits = 0;
        for (int kill = 0; kill < kills; kill++) {
            long inFlight = PublishLoop.nextGeneration(dir); // the generation the writer will publish next
            phase = "kill " + (kill + 1) + " of " + kills + ": waiting for the writer's first commit (" + inFlight + ")";
            Process child = startWriter(dir);
            this.child = child;
            try (BufferedReader out = child.inputReader()) {
                assertEquals("ready", out.readLine(), () -> "the writer did not start: " + stderr(child));
                // Once the first publish is through (cold), each takes some tens of milliseconds: a kill within
                // the next 100 ms lands anywhere in the protocol.
                assertEquals("committed " + inFlight++, out.readLine(), () -> "no first commit: " + stderr(child));
                acknowledged = inFlight - 1;
                phase = "kill " + (kill + 1) + " of " + kills + ": killing the writer after commit " + acknowledged;
                Thread.sleep(random.nextInt(100));
                // Through the handle: Process.destroyForcibly() would also close the pipe we still read.
                child.toHandle().destroyForcibly();
                child.waitFor();
                for (String line; (line = out.readLine()) != null; inFlight++) {
                    assertEquals("committed " + inFlight, line);
                    acknowledged = inFlight;
                }
            }
            phase = "kill " + (kill + 1) + " of " + kills + ": verifying the directory";
            killedDuring.merge(crashPoint(dir), 1, Integer::sum);
            long generation = verifyLatest(dir);
            // The last acknowledged commit, or the one in flight if the kill fell between its rename and the print.
            assertTrue(generation == acknowledged || generation == inFlight, "commit " + acknowledged + " was"
                    + " acknowledged and " + inFlight + " in flight, but the directory opens at " + generation);
            acknowledged = generation;
            verifiedCommits++;
        }
        long next = PublishLoop.nextGeneration(dir);
        SegmentWriter.write(dir, PublishLoop.content(next));
        assertEquals(List.of(), leftovers(dir), "the next writer removes every .tmp- leftover");
        assertEquals(next, verifyLatest(dir));
        System.out.printf("CrashSafePublishTest: %d SIGKILLs, %d verified reopenings, last generation %d, commits"
                + " lost 0; state at the kill: %s%n", kills, verifiedCommits, acknowledged, killedDuring);
    }

    /**
     * Opens the live segment with every checksum verified, checks it holds its generation's content and
     * answers as a freshly written copy of that content does, and returns the generation.
     */
    private long verifyLatest(Path dir) throws IOException {
        long generation = IndexDirectory.readCommit(dir).generation();
        String tempSegment = SegmentFormat.TEMP_PREFIX + SegmentFormat.SEGMENT_DIR_PREFIX;
        for (String leftover : leftovers(dir)) {
            // A write that began after an older leftover was made would have deleted it first.
            if (leftover.startsWith(tempSegment)) {
                long g = Long.parseLong(leftover.substring(tempSegment.length()));
                assertTrue(g > generation, leftover + " survived the commit of generation " + generation);
            }
        }
        try (TreeSegment segment = IndexDirectory.openLatestVerified(dir)) {
            assertEquals(Long.toString(generation), segment.properties().get("synthetic.seed"));
            assertArrayEquals(expected(generation), Answers.search(segment, HISTORY, 10, 40),
                    "generation " + generation + " answers differently from its content");
        }
        return generation;
    }

    /** The answer of a reference copy of generation {@code g}'s content, written once. */
    private long[] expected(long g) throws IOException {
        long[] answer = expected.get(g);
        if (answer == null) {
            Path ref = tmp.resolve("reference-" + g);
            SegmentWriter.write(ref, PublishLoop.content(g));
            try (TreeSegment s = IndexDirectory.openLatestVerified(ref)) {
                answer = Answers.search(s, HISTORY, 10, 40);
            }
            expected.put(g, answer);
        }
        return answer;
    }

    /** Where in the publish protocol the kill landed, judged by what it left behind. */
    private static String crashPoint(Path dir) throws IOException {
        List<String> left = leftovers(dir);
        if (left.contains(SegmentFormat.TEMP_PREFIX + SegmentFormat.COMMIT_FILE)) {
            return "writing commit";
        }
        if (!left.isEmpty()) {
            return "writing segment files";
        }
        long committed = IndexDirectory.readCommit(dir).generation();
        return PublishLoop.nextGeneration(dir) > committed + 1 ? "renamed, not committed" : "between publishes";
    }

    private static List<String> leftovers(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(SegmentFormat.TEMP_PREFIX))
                    .sorted().toList();
        }
    }

    /** Starts {@link PublishLoop} with this JVM's java binary, the project's jvm.options and the test classpath. */
    private Process startWriter(Path dir) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "@" + jvmOptions(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", classpath, PublishLoop.class.getName(), dir.toString()));
        return new ProcessBuilder(command).redirectError(tmp.resolve("writer.err").toFile()).start();
    }

    private String stderr(Process child) {
        try {
            child.waitFor();
            return Files.readString(tmp.resolve("writer.err"));
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    /** The project's jvm.options, found upwards from the module directory the tests run in. */
    private static Path jvmOptions() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("jvm.options"))) {
                return d.resolve("jvm.options");
            }
        }
        throw new AssertionError("jvm.options not found above " + Path.of("").toAbsolutePath());
    }
}
