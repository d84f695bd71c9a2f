package dev.arbor.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The other process of the tests: {@code append FILE SEED RUN} appends {@link Events} forever, printing
 * {@code ack I} after append I returns; {@code open FILE} tries to open the store and prints the outcome.
 */
final class HistoryChild {
    static final int H = 8;

    private HistoryChild() {
    }

    record Event(String user, long item, long ts) {
    }

    /** The events of kill round {@code run}: the same sequence in the child that appends and the test that checks. */
    static final class Events {
        private final SplittableRandom random;
        private final int run;
        private long next;

        Events(long seed, int run) {
            this.random = new SplittableRandom(seed);
            this.run = run;
        }

        Event next() {
            long i = next++;
            // New users in every round, so the table grows during some of the kills.
            String user = "u" + random.nextInt(40 + 40 * run);
            long base = run * 1_000_000_000L + 2 * i;
            // Mostly a little jitter (ties and late events), sometimes much older (dropped from a full history).
            long ts = random.nextInt(16) == 0 ? base - random.nextInt(10_000) : base + random.nextInt(6);
            return new Event(user, run * 100_000_000L + i, ts);
        }
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[1]);
        switch (args[0]) {
            case "append" -> {
                Events events = new Events(Long.parseLong(args[2]), Integer.parseInt(args[3]));
                try (HistoryStore store = HistoryStore.open(file, H, 4)) {
                    for (long i = 0; ; i++) {
                        Event e = events.next();
                        store.append(e.user(), e.item(), e.ts());
                        System.out.println("ack " + i); // System.out flushes at each line
                    }
                }
            }
            case "open" -> {
                try (HistoryStore store = HistoryStore.open(file, H, 4)) {
                    System.out.println("opened " + store.file());
                } catch (IOException e) {
                    System.out.println(e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    /** Starts this class in a new JVM (this JVM's java, the project's jvm.options, the test classpath). */
    static Process start(Path stdout, Path stderr, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "@" + jvmOptions(), "-Xmx64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", classpath, HistoryChild.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    }

    /** The project's jvm.options, found upwards from the module directory the tests run in. */
    private static Path jvmOptions() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("jvm.options"))) {
                return d.resolve("jvm.options");
            }
        }
        throw new IllegalStateException("jvm.options not found above " + Path.of("").toAbsolutePath());
    }
}
