package dev.arbor.bench.harness;

import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server under load, as issue 14 asks it to be shown: client threads retrieve without pause against
 * {@code arbor serve} on a synthetic index while new generations of the index are published and events appended;
 * then the failures, the latency percentiles, and the server's open files, mappings and live heap before, during and
 * after. Loopback only. It runs until the time is up and every generation and event is in, whichever is later.
 *
 * <p>Usage (from the shaded jar, which also holds the server):
 * {@code java @jvm.options -Xmx6g -cp cli/target/arbor.jar dev.arbor.bench.harness.ServeLoadDrill [items=1e6]
 * [clients=4] [seconds=60] [generations=100] [events=10000] [dir=work/drill/load] [heap=2g]}. Exits with 1 when any
 * request failed.
 */
public final class ServeLoadDrill {
    private static final String TOKEN = "load-drill-token";

    private ServeLoadDrill() {
    }

    public static void main(String[] args) throws Exception {
        DrillArgs a = new DrillArgs(args);
        int items = a.count("items", "1e6"), clients = a.count("clients", "4"), generations = a.count("generations", "100");
        int events = a.count("events", "10000");
        double seconds = Double.parseDouble(a.get("seconds", "60"));
        Path dir = a.freshDirectory("dir", "work/drill/load"), indexDir = dir.resolve("index");
        System.out.printf(Locale.ROOT, "load drill: %,d items, %d clients, %.0f s, %d generations, %,d events%n", items,
                clients, seconds, generations, events);
        TreeIndex index = SyntheticIndex.generate(items, 2, ModelKind.ATTENTION_DNN, 42);
        long t = System.nanoTime();
        SegmentWriter.write(indexDir, index);
        System.out.printf(Locale.ROOT, "wrote the first generation in %.1f s%n", (System.nanoTime() - t) / 1e9);
        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        SplittableRandom random = new SplittableRandom(7);
        String[] queries = new String[500];
        for (int i = 0; i < queries.length; i++) {
            long[] h = SyntheticIndex.sampleHistory(index, 20, 8, random);
            queries[i] = "{\"history\": " + Arrays.toString(h) + ", \"k\": 50, \"beam\": 100}";
        }
        try (ServerProcess server = ServerProcess.start(indexDir, token, a.get("heap", "2g"), dir.resolve("server.log"))) {
            System.out.println("server pid " + server.pid() + "; warming up for 5 s");
            ClientLoad.run(server, queries, clients, 5, new AtomicBoolean(true));
            server.collectGarbage();
            long fds0 = server.openFiles(), maps0 = server.mappings(), heap0 = server.metric("jvm_memory_heap_used_bytes");
            AtomicBoolean publishing = new AtomicBoolean(true);
            long[] swapNanos = new long[generations];
            AtomicLong maxFds = new AtomicLong(fds0), maxMaps = new AtomicLong(maps0), maxHeap = new AtomicLong(heap0);
            long start = System.nanoTime();
            Thread publisher = Thread.ofPlatform().name("publisher").start(() -> {
                try {
                    for (int g = 0; g < generations; g++) {
                        String segment = SegmentWriter.write(indexDir, index).getFileName().toString();
                        long published = System.nanoTime(), generation = Long.parseLong(segment.substring(dev.arbor.format.SegmentFormat.SEGMENT_DIR_PREFIX.length()));
                        // Each generation is waited for, so that every one is served, and the swap's delay timed.
                        while (server.generation() < generation) {
                            Thread.sleep(5);
                        }
                        swapNanos[g] = System.nanoTime() - published;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("publishing failed", e);
                } finally {
                    publishing.set(false);
                }
            });
            long[] eventFailures = new long[1];
            Thread appender = Thread.ofPlatform().name("events").start(() -> {
                SplittableRandom r = new SplittableRandom(11);
                long interval = (long) (seconds * 1e9 / events);
                for (int e = 0; e < events; e++) {
                    long due = start + e * interval;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    String body = "{\"user_id\": \"user-" + r.nextInt(1000) + "\", \"item_id\": "
                            + index.itemIds()[r.nextInt(items)] + ", \"ts\": " + (1_700_000_000_000L + e) + "}";
                    try {
                        if (server.post("/v1/events", body, TOKEN).statusCode() != 200) {
                            eventFailures[0]++;
                        }
                    } catch (Exception ex) {
                        eventFailures[0]++;
                    }
                }
            });
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().name("sampler").start(() -> {
                while (sampling.get()) {
                    try {
                        maxFds.accumulateAndGet(server.openFiles(), Math::max);
                        maxMaps.accumulateAndGet(server.mappings(), Math::max);
                        maxHeap.accumulateAndGet(server.metric("jvm_memory_heap_used_bytes"), Math::max);
                        Thread.sleep(500);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            AtomicBoolean busy = new AtomicBoolean(true);
            Thread stopper = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep((long) (seconds * 1000));
                    publisher.join();
                    appender.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                busy.set(false);
            });
            ClientLoad.Result r = ClientLoad.run(server, queries, clients, Double.POSITIVE_INFINITY, busy);
            stopper.join();
            double elapsed = (System.nanoTime() - start) / 1e9;
            sampling.set(false);
            sampler.join();
            Thread.sleep(2000);
            server.collectGarbage();
            long fds1 = server.openFiles(), maps1 = server.mappings(), heap1 = server.metric("jvm_memory_heap_used_bytes");
            long generation = server.metric("arbor_segment_generation"), swaps = server.metric("arbor_segment_swaps_total");
            long appended = server.metric("arbor_history_events_total"), users = server.metric("arbor_history_users");
            System.out.printf(Locale.ROOT, "%n| measure | value |%n|---|---:|%n");
            row("run", String.format(Locale.ROOT, "%.1f s", elapsed));
            row("retrievals", String.format(Locale.ROOT, "%,d (%,.0f/s)", r.requests(), r.requests() / elapsed));
            row("failed retrievals (any answer but 200, or no answer)", String.format(Locale.ROOT, "%,d",
                    r.refused + r.failed));
            if (r.firstFailure != null) {
                row("first failure", r.firstFailure.replace('|', '/'));
            }
            long[] c = r.clientNanos;
            row("latency at the client p50 / p99 / p99.9 / max", String.format(Locale.ROOT, "%.2f / %.2f / %.2f / %.2f ms",
                    ClientLoad.Result.percentile(c, 50), ClientLoad.Result.percentile(c, 99),
                    ClientLoad.Result.percentile(c, 99.9), ClientLoad.Result.percentile(c, 100)));
            row("generations published / swapped in / in service", generations + " / " + swaps + " / " + generation);
            Arrays.sort(swapNanos);
            row("publish to serving, p50 / max", String.format(Locale.ROOT, "%.0f / %.0f ms",
                    ClientLoad.Result.percentile(swapNanos, 50), ClientLoad.Result.percentile(swapNanos, 100)));
            row("events sent / failed / appended", events + " / " + eventFailures[0] + " / " + appended
                    + " (" + users + " users)");
            row("open files: before / max / after", fds0 + " / " + maxFds.get() + " / " + fds1);
            row("memory mappings: before / max / after", maps0 + " / " + maxMaps.get() + " / " + maps1);
            row("heap after a full GC: before / after (max seen, garbage included)", String.format(Locale.ROOT,
                    "%.1f / %.1f MiB (%.1f MiB)", heap0 / 1048576.0, heap1 / 1048576.0, maxHeap.get() / 1048576.0));
            boolean ok = r.refused + r.failed == 0 && eventFailures[0] == 0 && generation == generations + 1
                    && swaps == generations;
            System.out.println(ok ? "\nload drill passed" : "\nload drill FAILED");
            System.exit(ok ? 0 : 1);
        }
    }

    private static void row(String name, String value) {
        System.out.println("| " + name + " | " + value + " |");
    }
}
