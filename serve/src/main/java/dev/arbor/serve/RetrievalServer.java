package dev.arbor.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.arbor.format.BehaviourWindows;
import dev.arbor.history.HistoryStore;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * {@code arbor serve}: the JDK's HTTP server in front of the live segment and the user-history store.
 *
 * <p>Connections are read and answered on virtual threads, which cost nothing while a slow client dawdles; the
 * searches run on a fixed pool of platform workers sized to the cores, behind a short queue. A retrieval that finds
 * the queue full is refused at once with a 503, and one that waits past its timeout is dropped with a 503, so that
 * overload sheds work instead of growing a backlog. The JDK server closes a connection whose request (headers and
 * body) takes longer than the read timeout.
 */
public final class RetrievalServer implements Closeable {
    /** The JDK server's timeouts are JVM-wide settings read once, when its first instance is made. */
    private static final String MAX_REQUEST_SECONDS = "sun.net.httpserver.maxReqTime";
    private static final String MAX_RESPONSE_SECONDS = "sun.net.httpserver.maxRspTime";
    private static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";
    /** Room a new history store starts with (about 20 MB at 69 behaviours); it doubles as users come. */
    private static final int INITIAL_USERS = 4096;

    /**
     * @param bind               address to listen on; 127.0.0.1 unless a deployment says otherwise
     * @param port               0 for any free port
     * @param threads            search workers
     * @param queue              retrievals that may wait for a worker before the next is refused
     * @param requestTimeoutMillis the most a retrieval may take, queueing included
     * @param readTimeoutSeconds the most a client may take to send its request, body included
     * @param maxBodyBytes       larger bodies get a 413
     * @param token              the bearer token that writes need; null disables writes
     * @param limits             the largest k and beam
     * @param historyFile        the user-history store
     * @param refreshMillis      how often the commit file is polled for a new generation
     * @param maxConnections     open connections beyond which new ones are refused
     */
    public record Options(String bind, int port, int threads, int queue, long requestTimeoutMillis,
                          long readTimeoutSeconds, int maxBodyBytes, String token, Requests.Limits limits,
                          Path historyFile, long refreshMillis, int maxConnections) {
        public Options {
            if (threads < 1 || queue < 0 || requestTimeoutMillis < 1 || readTimeoutSeconds < 1 || maxBodyBytes < 1
                    || refreshMillis < 1 || maxConnections < 1 || port < 0 || port > 65535) {
                throw new IllegalArgumentException("invalid server options " + this);
            }
            if (token != null && token.isBlank()) {
                throw new IllegalArgumentException("the token is empty");
            }
        }

        /** The defaults of {@code arbor serve} for an index directory. */
        public static Options defaults(Path indexDir) {
            int cores = Runtime.getRuntime().availableProcessors();
            return new Options("127.0.0.1", 8080, cores, cores, 1000, 10, 1 << 20, null,
                    new Requests.Limits(1000, 10_000), indexDir.resolve("users.history"), 250, 1000);
        }

        public Options withPort(int p) {
            return new Options(bind, p, threads, queue, requestTimeoutMillis, readTimeoutSeconds, maxBodyBytes, token,
                    limits, historyFile, refreshMillis, maxConnections);
        }

        public Options withToken(String t) {
            return new Options(bind, port, threads, queue, requestTimeoutMillis, readTimeoutSeconds, maxBodyBytes, t,
                    limits, historyFile, refreshMillis, maxConnections);
        }

        public Options withWorkers(int n, int waiting) {
            return new Options(bind, port, n, waiting, requestTimeoutMillis, readTimeoutSeconds, maxBodyBytes, token,
                    limits, historyFile, refreshMillis, maxConnections);
        }

        public Options withTimeouts(long requestMillis, long readSeconds) {
            return new Options(bind, port, threads, queue, requestMillis, readSeconds, maxBodyBytes, token, limits,
                    historyFile, refreshMillis, maxConnections);
        }
    }

    private final Options options;
    private final HttpServer http;
    private final ExecutorService connections;
    private final ThreadPoolExecutor workers;
    /** Retrievals admitted and not yet answered: at most the workers plus the queue. */
    private final Semaphore admitted;
    private final HistoryStore histories;
    private final LiveIndex index;
    private final Retriever retriever;
    private final Metrics metrics;
    private final byte[] token;

    private RetrievalServer(Path indexDir, Options options, Consumer<String> log) throws IOException {
        this.options = options;
        this.token = options.token() == null ? null : options.token().getBytes(StandardCharsets.UTF_8);
        this.admitted = new Semaphore(options.threads() + options.queue());
        // Admission is the semaphore's; the pool's queue is as large as all it admits, because a worker that has
        // handed over its answer may not yet be back for the next task.
        BlockingQueue<Runnable> waiting = new ArrayBlockingQueue<>(options.threads() + options.queue());
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(options.threads(), options.threads(), 0, TimeUnit.MILLISECONDS, waiting,
                r -> {
                    Thread t = new Thread(r, "arbor-search-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        workers.prestartAllCoreThreads();
        this.histories = HistoryStore.open(options.historyFile(), BehaviourWindows.SLOTS, INITIAL_USERS);
        this.metrics = new Metrics(new Metrics.Gauges(() -> workers.getQueue().size(), workers::getActiveCount,
                this::generation, this::indexKind, histories::userCount, histories::fileBytes));
        this.index = new LiveIndex(indexDir, options.refreshMillis(), metrics, log);
        this.retriever = new Retriever(index, histories, options.limits().maxK());
        configureJdkServer(options);
        this.http = HttpServer.create(new InetSocketAddress(options.bind(), options.port()), 128);
        this.connections = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(connections);
        http.createContext("/", this::handle);
        http.start();
        log.accept(String.format("listening on http://%s:%d (%d search workers, queue %d, writes %s); history store %s",
                options.bind(), address().getPort(), options.threads(), options.queue(),
                token == null ? "disabled (no --token-file)" : "need the bearer token", options.historyFile()));
    }

    /** Opens the store and the index directory, and starts listening. */
    public static RetrievalServer start(Path indexDir, Options options, Consumer<String> log) throws IOException {
        return new RetrievalServer(indexDir, options, log);
    }

    private static void configureJdkServer(Options options) {
        setIfAbsent(MAX_REQUEST_SECONDS, Long.toString(options.readTimeoutSeconds()));
        // A response is small; one that cannot be written in this time goes to a client that stopped reading.
        setIfAbsent(MAX_RESPONSE_SECONDS, Long.toString(Math.max(options.readTimeoutSeconds(), 10)));
        setIfAbsent(MAX_CONNECTIONS, Integer.toString(options.maxConnections()));
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The generation in service, -1 before the first commit. */
    public long generation() {
        return index.generation();
    }

    /** The index kind in service (1 a tree, 2 a path lattice), 0 before the first commit. */
    private long indexKind() {
        return index.indexKind();
    }

    private void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        String path = exchange.getRequestURI().getPath();
        Metrics.Endpoint endpoint = switch (path) {
            case "/v1/retrieve" -> Metrics.Endpoint.RETRIEVE;
            case "/v1/events" -> Metrics.Endpoint.EVENTS;
            case "/healthz" -> Metrics.Endpoint.HEALTHZ;
            case "/readyz" -> Metrics.Endpoint.READYZ;
            case "/metrics" -> Metrics.Endpoint.METRICS;
            default -> Metrics.Endpoint.OTHER;
        };
        int status = 500;
        try {
            status = switch (endpoint) {
                case RETRIEVE -> retrieve(exchange, start);
                case EVENTS -> event(exchange);
                case HEALTHZ -> text(exchange, "GET", 200, "ok\n");
                case READYZ -> index.ready() ? text(exchange, "GET", 200, "ready: generation " + generation() + "\n")
                        : text(exchange, "GET", 503, "not ready: no segment published yet\n");
                case METRICS -> text(exchange, "GET", 200, metrics.render());
                case OTHER -> throw new ErrorResponse(404, "no such endpoint: " + path);
            };
        } catch (ErrorResponse e) {
            status = e.status();
            error(exchange, status, e.getMessage());
        } catch (IOException e) {
            // The client went away or broke the protocol; there is no one to answer.
            status = 400;
        } catch (RuntimeException e) {
            status = 500;
            error(exchange, status, "internal error: " + e);
        } finally {
            metrics.record(endpoint, status, System.nanoTime() - start);
            exchange.close();
        }
    }

    private int retrieve(HttpExchange exchange, long start) throws IOException, ErrorResponse {
        requireMethod(exchange, "POST");
        byte[] body = readBody(exchange);
        Requests.RetrieveRequest request = Requests.retrieve(body, body.length, options.limits());
        // Admission holds a retrieval's place until its search is over and gives it back before the answer is
        // written: a client that sends its next request the moment it has an answer must find its place free.
        if (!admitted.tryAcquire()) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            throw new ErrorResponse(503, "overloaded: " + options.threads() + " searches running and "
                    + options.queue() + " waiting; retry later");
        }
        long[] started = new long[1];
        Retriever.Answer answer;
        try {
            answer = search(exchange, request, start, started);
        } finally {
            admitted.release();
        }
        metrics.unknownHistoryItems(answer.unknownHistoryItems());
        long end = System.nanoTime();
        StringBuilder json = new StringBuilder(64 + 48 * answer.itemIds().length);
        json.append("{\"items\":[");
        for (int i = 0; i < answer.itemIds().length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"item_id\":");
            if (answer.itemNames()[i] != null) {
                Json.string(json, answer.itemNames()[i]);
            } else {
                json.append(answer.itemIds()[i]);
            }
            json.append(",\"score\":");
            Json.number(json, answer.scores()[i]).append('}');
        }
        json.append("],\"generation\":").append(answer.generation())
                .append(",\"history_used\":").append(answer.historyUsed())
                .append(",\"unknown_history_items\":").append(answer.unknownHistoryItems())
                .append(",\"index\":\"").append(answer.kind().label()).append('"')
                .append(",\"search\":\"").append(answer.exact() ? "exact" : "beam").append('"')
                .append(",\"scored_nodes\":").append(answer.scored())
                .append(",\"timings_ms\":{\"queue\":");
        Json.millis(json, started[0] - start).append(",\"search\":");
        Json.millis(json, answer.searchNanos()).append(",\"total\":");
        Json.millis(json, end - start).append("}}");
        return send(exchange, 200, "application/json", json.toString());
    }

    /** Runs the search on a worker within the request's deadline; {@code started[0]} is when a worker took it. */
    private Retriever.Answer search(HttpExchange exchange, Requests.RetrieveRequest request, long start, long[] started)
            throws ErrorResponse {
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(options.requestTimeoutMillis());
        Future<Retriever.Answer> future;
        try {
            future = workers.submit(() -> {
                started[0] = System.nanoTime();
                if (started[0] > deadline) {
                    throw new ErrorResponse(503, "timed out waiting for a search worker ("
                            + options.requestTimeoutMillis() + " ms)");
                }
                return retriever.retrieve(request);
            });
        } catch (RejectedExecutionException e) {
            // Searches of timed-out requests still hold the pool; the next ones wait for them to drain.
            exchange.getResponseHeaders().set("Retry-After", "1");
            throw new ErrorResponse(503, "overloaded: searches of timed-out requests still hold the workers");
        }
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new ErrorResponse(503, "timed out after " + options.requestTimeoutMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErrorResponse(503, "interrupted: the server is stopping");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ErrorResponse bad) {
                throw bad;
            }
            if (e.getCause() instanceof IllegalArgumentException bad) {
                throw new ErrorResponse(400, bad.getMessage());
            }
            throw new IllegalStateException("retrieval failed: " + e.getCause(), e.getCause());
        }
    }

    private int event(HttpExchange exchange) throws IOException, ErrorResponse {
        requireMethod(exchange, "POST");
        if (token == null) {
            throw new ErrorResponse(403, "writes are disabled: start arbor serve with --token-file");
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] given = auth != null && auth.startsWith("Bearer ")
                ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(given, token)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new ErrorResponse(401, auth == null ? "writes need the header 'Authorization: Bearer <token>'"
                    : "the bearer token is wrong");
        }
        byte[] body = readBody(exchange);
        Requests.EventRequest event = Requests.event(body, body.length);
        try {
            histories.append(event.userId(), event.itemId(), event.timestampMillis());
        } catch (IllegalArgumentException e) {
            throw new ErrorResponse(400, e.getMessage());
        } catch (IOException e) {
            // Not the client's fault (a full disk while the store grows, say): the event was not appended.
            throw new ErrorResponse(500, "the history store could not append the event: " + e.getMessage());
        }
        metrics.eventAppended();
        StringBuilder json = new StringBuilder("{\"appended\":true,\"user_id\":");
        Json.string(json, event.userId()).append('}');
        return send(exchange, 200, "application/json", json.toString());
    }

    /**
     * The request body, refused with a 413 when its declared length, or what arrives, passes the limit: a declared
     * length over it is refused before a byte of the body is read, so a large upload costs no heap.
     */
    private byte[] readBody(HttpExchange exchange) throws IOException, ErrorResponse {
        int limit = options.maxBodyBytes();
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        int expected = 4096;
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw new ErrorResponse(400, "header 'Content-Length' is not a number: " + declared);
            }
            if (length > limit) {
                throw tooLarge(exchange, length + " bytes");
            }
            expected = (int) length;
        }
        byte[] buffer = new byte[Math.max(1, Math.min(expected, limit))];
        int n = 0;
        try (InputStream in = exchange.getRequestBody()) {
            for (int r; (r = in.read(buffer, n, buffer.length - n)) > 0; ) {
                n += r;
                if (n == buffer.length) {
                    if (n == limit) {
                        if (in.read() >= 0) {
                            throw tooLarge(exchange, "more than " + limit + " bytes");
                        }
                        break;
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min(limit, 2L * n));
                }
            }
        }
        return n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
    }

    private ErrorResponse tooLarge(HttpExchange exchange, String size) {
        exchange.getResponseHeaders().set("Connection", "close");
        return new ErrorResponse(413, "the body of " + size + " is over the limit of " + options.maxBodyBytes()
                + " bytes");
    }

    private static void requireMethod(HttpExchange exchange, String method) throws ErrorResponse {
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            throw new ErrorResponse(405, exchange.getRequestMethod() + " is not allowed here; use " + method);
        }
    }

    private static int text(HttpExchange exchange, String method, int status, String body)
            throws IOException, ErrorResponse {
        requireMethod(exchange, method);
        return send(exchange, status, "text/plain; version=0.0.4; charset=utf-8", body);
    }

    private static void error(HttpExchange exchange, int status, String message) {
        StringBuilder json = new StringBuilder("{\"error\":");
        Json.string(json, message).append(",\"status\":").append(status).append('}');
        try {
            send(exchange, status, "application/json", json.toString());
        } catch (IOException e) {
            // The client is gone.
        }
    }

    private static int send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }

    /** Stops listening, lets requests in flight finish (up to a second), and closes the index and the store. */
    @Override
    public void close() {
        http.stop(1);
        connections.close();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        index.close();
        histories.close();
    }
}
