package dev.arbor.bench.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An {@code arbor serve} in a child JVM, as an operator runs it: started with this JVM's flags and class path, waited
 * for until it answers, and stopped politely or with {@code kill -9}. What it prints goes to a log file.
 */
final class ServerProcess implements AutoCloseable {
    /** The command-line entry point in the shaded jar that runs the drills. */
    private static final String MAIN = "dev.arbor.cli.ArborCli";

    private final Process process;
    private final int port;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code arbor serve indexDir --port P --token-file tokenFile} with {@code heap} as its -Xmx and waits until
     * {@code /readyz} answers 200.
     */
    static ServerProcess start(Path indexDir, Path tokenFile, String heap, Path log, String... extra)
            throws IOException, InterruptedException {
        return start(0, indexDir, tokenFile, heap, log, extra);
    }

    /**
     * As {@link #start(Path, Path, String, Path, String...)}, with the server's scheduling priority raised by
     * {@code niceness} steps over this process's (through {@code nice}; negative steps need root), so that clients
     * on the same cores do not take the server's CPU time.
     */
    static ServerProcess start(int niceness, Path indexDir, Path tokenFile, String heap, Path log, String... extra)
            throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        if (niceness != 0) {
            command.addAll(List.of("nice", "-n", Integer.toString(-niceness)));
        }
        command.add(ProcessHandle.current().info().command().orElseThrow());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-Xmx") && !arg.startsWith("-Xms")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx" + heap, "-cp", System.getProperty("java.class.path"), MAIN, "serve",
                indexDir.toString(), "--port", Integer.toString(port), "--token-file", tokenFile.toString()));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ServerProcess server = new ServerProcess(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!p.isAlive()) {
                throw new IOException("arbor serve exited with " + p.exitValue() + " before it was ready; see " + log);
            }
            try {
                if (server.get("/readyz").statusCode() == 200) {
                    return server;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            if (System.nanoTime() > deadline) {
                server.kill();
                throw new IOException("arbor serve was not ready within 60 s; see " + log);
            }
            Thread.sleep(50);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    HttpClient client() {
        return client;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Open file descriptors and memory mappings of the server, from /proc. */
    long openFiles() throws IOException {
        try (var s = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return s.count();
        }
    }

    long mappings() throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid()), "maps"), StandardCharsets.ISO_8859_1).size();
    }

    /** The generation in service, from {@code /readyz} ("ready: generation N"); -1 while not ready. */
    long generation() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/readyz");
        return r.statusCode() == 200 ? Long.parseLong(r.body().trim().substring("ready: generation ".length())) : -1;
    }

    /** The value of a gauge or counter without labels on {@code /metrics}. */
    long metric(String name) throws IOException, InterruptedException {
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new IOException("/metrics has no " + name);
    }

    /** Runs a full collection in the server (jcmd), so that the heap in use is what is live. */
    void collectGarbage() throws IOException, InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + pid() + " GC.run failed");
        }
    }

    /** {@code kill -9}: the process gets no chance to flush or close anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
