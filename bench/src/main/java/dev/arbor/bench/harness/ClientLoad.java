package dev.arbor.bench.harness;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Client threads that send retrievals back to back, each waiting for its answer before the next, and what came of
 * them: the latency of every answered request as the client saw it and as the server timed it
 * ({@code timings_ms.total}), the 503 refusals, and every other failure.
 */
final class ClientLoad {
    private ClientLoad() {
    }

    /** Latencies in nanoseconds, sorted. */
    static final class Result {
        long answered, refused, failed;
        /** What the first failure was, for the report; null when none. */
        String firstFailure;
        long[] clientNanos = new long[0], serverNanos = new long[0];

        long requests() {
            return answered + refused + failed;
        }

        static double percentile(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }
    }

    /** Runs {@code clients} threads until {@code seconds} have passed or {@code running} turns false. */
    static Result run(ServerProcess server, String[] queries, int clients, double seconds, AtomicBoolean running)
            throws InterruptedException {
        return run(server, queries, clients, seconds, running, 0);
    }

    /**
     * As {@link #run(ServerProcess, String[], int, double, AtomicBoolean)}, but in bursts: every
     * {@code periodMillis} all clients send one request at the same moment (a client still waiting for its answer
     * skips the burst). 0 sends back to back.
     */
    static Result run(ServerProcess server, String[] queries, int clients, double seconds, AtomicBoolean running,
                      long periodMillis) throws InterruptedException {
        long begin = System.nanoTime(), period = periodMillis * 1_000_000;
        long end = Double.isInfinite(seconds) ? Long.MAX_VALUE : begin + (long) (seconds * 1e9);
        Result[] perThread = new Result[clients];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            threads.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                Result mine = new Result();
                long[] client = new long[1 << 14], serverSide = new long[1 << 14];
                int n = 0;
                for (int q = id; running.get() && System.nanoTime() < end; q++) {
                    if (period > 0) {
                        long next = begin + ((System.nanoTime() - begin) / period + 1) * period;
                        for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                    }
                    HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/retrieve")).timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString(queries[q % queries.length])).build();
                    long t = System.nanoTime();
                    try {
                        HttpResponse<String> r = server.client().send(request, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - t;
                        if (r.statusCode() == 200) {
                            if (n == client.length) {
                                client = Arrays.copyOf(client, 2 * n);
                                serverSide = Arrays.copyOf(serverSide, 2 * n);
                            }
                            client[n] = took;
                            serverSide[n++] = serverTotal(r.body());
                            mine.answered++;
                        } else if (r.statusCode() == 503) {
                            mine.refused++;
                            mine.firstFailure = mine.firstFailure != null ? mine.firstFailure : "HTTP 503: " + r.body();
                        } else {
                            mine.failed++;
                            mine.firstFailure = mine.firstFailure != null ? mine.firstFailure
                                    : "HTTP " + r.statusCode() + ": " + r.body();
                        }
                    } catch (Exception e) {
                        mine.failed++;
                        mine.firstFailure = mine.firstFailure != null ? mine.firstFailure : e.toString();
                    }
                }
                mine.clientNanos = Arrays.copyOf(client, n);
                mine.serverNanos = Arrays.copyOf(serverSide, n);
                perThread[id] = mine;
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        Result all = new Result();
        for (Result r : perThread) {
            all.answered += r.answered;
            all.refused += r.refused;
            all.failed += r.failed;
            all.firstFailure = all.firstFailure != null ? all.firstFailure : r.firstFailure;
            all.clientNanos = concat(all.clientNanos, r.clientNanos);
            all.serverNanos = concat(all.serverNanos, r.serverNanos);
        }
        Arrays.sort(all.clientNanos);
        Arrays.sort(all.serverNanos);
        return all;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The server's own time for the request, from its answer's {@code "total":} in milliseconds. */
    private static long serverTotal(String body) {
        int at = body.lastIndexOf("\"total\":");
        int end = body.indexOf('}', at);
        return (long) (Double.parseDouble(body.substring(at + 8, end)) * 1e6);
    }
}
