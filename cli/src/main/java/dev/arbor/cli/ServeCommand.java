package dev.arbor.cli;

import dev.arbor.serve.Requests;
import dev.arbor.serve.RetrievalServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = "Serve retrievals over HTTP/JSON from an index directory, swapping in each newly"
        + " published generation (docs/SERVING.md).")
final class ServeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Index directory (it may hold no commit yet: the server is ready once it does).")
    Path dir;

    @Option(names = "--port", defaultValue = "8080", description = "Port; 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}:"
            + " loopback only).")
    String bind;

    @Option(names = "--threads", description = "Search workers (default: the cores).")
    Integer threads;

    @Option(names = "--queue", description = "Retrievals that may wait for a worker; more get a 503 at once. Short, so that what is"
            + " accepted is answered in about two search times (default: one per worker).")
    Integer queue;

    @Option(names = "--token-file", description = "File holding the bearer token that /v1/events needs; without it,"
            + " writes are disabled.")
    Path tokenFile;

    @Option(names = "--history", description = "The user-history store's file (default: DIR/users.history).")
    Path history;

    @Option(names = "--max-body", defaultValue = "1048576", description = "Largest request body in bytes (default:"
            + " ${DEFAULT-VALUE}).")
    int maxBody;

    @Option(names = "--request-timeout-ms", defaultValue = "1000", description = "Most a retrieval may take, queueing"
            + " included (default: ${DEFAULT-VALUE}).")
    long requestTimeoutMillis;

    @Option(names = "--read-timeout", defaultValue = "10", description = "Seconds a client may take to send a request"
            + " (default: ${DEFAULT-VALUE}).")
    long readTimeoutSeconds;

    @Option(names = "--max-k", defaultValue = "1000", description = "Largest k a request may ask (default: ${DEFAULT-VALUE}).")
    int maxK;

    @Option(names = "--max-beam", defaultValue = "10000", description = "Widest beam a request may ask (default:"
            + " ${DEFAULT-VALUE}).")
    int maxBeam;

    @Override
    public Integer call() throws Exception {
        RetrievalServer.Options d = RetrievalServer.Options.defaults(dir);
        String token = null;
        if (tokenFile != null) {
            token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("--token-file " + tokenFile + " is empty");
            }
        }
        int workers = threads == null ? d.threads() : threads;
        RetrievalServer.Options options = new RetrievalServer.Options(bind, port, workers,
                queue == null ? workers : queue, requestTimeoutMillis, readTimeoutSeconds, maxBody, token,
                new Requests.Limits(maxK, maxBeam), history == null ? d.historyFile() : history, d.refreshMillis(),
                d.maxConnections());
        var err = spec.commandLine().getErr();
        RetrievalServer server = RetrievalServer.start(dir, options, line -> err.println("serve: " + line));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("serve: stopping");
            server.close();
            stopped.countDown();
        }, "arbor-serve-stop"));
        stopped.await();
        return 0;
    }
}
