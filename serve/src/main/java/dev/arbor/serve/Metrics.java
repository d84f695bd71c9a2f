package dev.arbor.serve;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The server's counters, latency histograms and gauges, rendered in Prometheus' text format. Recording is a few
 * atomic adds, with no allocation, so that it costs nothing next to a search.
 */
public final class Metrics {
    /** The endpoints that are counted, each with its own histogram. */
    public enum Endpoint {
        RETRIEVE("/v1/retrieve"), EVENTS("/v1/events"), HEALTHZ("/healthz"), READYZ("/readyz"), METRICS("/metrics"),
        OTHER("other");

        final String path;

        Endpoint(String path) {
            this.path = path;
        }
    }

    /** Upper bounds of the latency buckets, in seconds. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    /** The status codes the server answers with; others are counted as 500. */
    private static final int[] CODES = {200, 400, 401, 403, 404, 405, 413, 500, 503};

    private final AtomicLongArray requests = new AtomicLongArray(Endpoint.values().length * CODES.length);
    /** Per endpoint: BUCKETS.length counts (not cumulative), then the +Inf count. */
    private final AtomicLongArray latency = new AtomicLongArray(Endpoint.values().length * (BUCKETS.length + 1));
    private final LongAdder[] latencyNanos = new LongAdder[Endpoint.values().length];
    private final LongAdder unknownHistoryItems = new LongAdder();
    private final LongAdder swaps = new LongAdder();
    private final LongAdder refreshFailures = new LongAdder();
    private final LongAdder events = new LongAdder();
    private final Gauges gauges;

    /** What the server reads at scrape time. */
    public record Gauges(LongSupplier queueDepth, LongSupplier busyWorkers, LongSupplier generation,
                         LongSupplier indexKind, LongSupplier historyUsers, LongSupplier historyBytes) {
    }

    public Metrics(Gauges gauges) {
        this.gauges = gauges;
        for (int i = 0; i < latencyNanos.length; i++) {
            latencyNanos[i] = new LongAdder();
        }
    }

    /** Counts one answered request and its latency. */
    public void record(Endpoint endpoint, int status, long nanos) {
        requests.incrementAndGet(endpoint.ordinal() * CODES.length + codeIndex(status));
        double seconds = nanos / 1e9;
        int bucket = 0;
        while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]) {
            bucket++;
        }
        latency.incrementAndGet(endpoint.ordinal() * (BUCKETS.length + 1) + bucket);
        latencyNanos[endpoint.ordinal()].add(nanos);
    }

    public void unknownHistoryItems(int n) {
        unknownHistoryItems.add(n);
    }

    public void swapped() {
        swaps.increment();
    }

    public long swaps() {
        return swaps.sum();
    }

    public void refreshFailed() {
        refreshFailures.increment();
    }

    public void eventAppended() {
        events.increment();
    }

    /** Requests answered so far with {@code status} on {@code endpoint}. */
    public long requests(Endpoint endpoint, int status) {
        return requests.get(endpoint.ordinal() * CODES.length + codeIndex(status));
    }

    private static int codeIndex(int status) {
        for (int i = 0; i < CODES.length; i++) {
            if (CODES[i] == status) {
                return i;
            }
        }
        return codeIndex(500);
    }

    /** Every metric in the Prometheus text exposition format (version 0.0.4). */
    public String render() {
        StringBuilder out = new StringBuilder(8192);
        out.append("# HELP arbor_requests_total Requests answered, by endpoint and status code.\n")
                .append("# TYPE arbor_requests_total counter\n");
        for (Endpoint e : Endpoint.values()) {
            for (int c = 0; c < CODES.length; c++) {
                long n = requests.get(e.ordinal() * CODES.length + c);
                if (n > 0) {
                    out.append("arbor_requests_total{endpoint=\"").append(e.path).append("\",code=\"").append(CODES[c])
                            .append("\"} ").append(n).append('\n');
                }
            }
        }
        out.append("# HELP arbor_request_duration_seconds Time from the request's arrival to its answer.\n")
                .append("# TYPE arbor_request_duration_seconds histogram\n");
        for (Endpoint e : Endpoint.values()) {
            long cumulative = 0;
            int base = e.ordinal() * (BUCKETS.length + 1);
            for (int b = 0; b < BUCKETS.length; b++) {
                cumulative += latency.get(base + b);
                out.append("arbor_request_duration_seconds_bucket{endpoint=\"").append(e.path).append("\",le=\"")
                        .append(BUCKETS[b]).append("\"} ").append(cumulative).append('\n');
            }
            cumulative += latency.get(base + BUCKETS.length);
            out.append("arbor_request_duration_seconds_bucket{endpoint=\"").append(e.path).append("\",le=\"+Inf\"} ")
                    .append(cumulative).append('\n');
            out.append("arbor_request_duration_seconds_sum{endpoint=\"").append(e.path).append("\"} ")
                    .append(String.format(Locale.ROOT, "%.6f", latencyNanos[e.ordinal()].sum() / 1e9)).append('\n');
            out.append("arbor_request_duration_seconds_count{endpoint=\"").append(e.path).append("\"} ")
                    .append(cumulative).append('\n');
        }
        gauge(out, "arbor_queue_depth", "Retrievals waiting for a worker.", gauges.queueDepth().getAsLong());
        gauge(out, "arbor_workers_busy", "Workers running a retrieval.", gauges.busyWorkers().getAsLong());
        gauge(out, "arbor_segment_generation", "Commit generation of the segment in service (-1: none yet).",
                gauges.generation().getAsLong());
        gauge(out, "arbor_segment_index_kind", "Index kind of the segment in service: 1 a tree, 2 a path lattice (0: none"
                + " yet).", gauges.indexKind().getAsLong());
        counter(out, "arbor_segment_swaps_total", "Times a newly committed segment replaced the one in service.",
                swaps.sum());
        counter(out, "arbor_segment_refresh_failures_total", "Failed attempts to open a newly committed segment.",
                refreshFailures.sum());
        gauge(out, "arbor_history_users", "Users in the history store.", gauges.historyUsers().getAsLong());
        gauge(out, "arbor_history_bytes", "Size of the history store's file.", gauges.historyBytes().getAsLong());
        counter(out, "arbor_history_events_total", "Events appended to the history store.", events.sum());
        counter(out, "arbor_unknown_history_items_total", "History items skipped because the index does not hold them.",
                unknownHistoryItems.sum());
        gauge(out, "jvm_memory_heap_used_bytes", "Heap in use (garbage included until the next collection).",
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            gauge(out, "process_open_fds", "Open file descriptors of the server process.", unix.getOpenFileDescriptorCount());
        }
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(value).append('\n');
    }
}
