package dev.arbor.serve;

import dev.arbor.reader.SearcherManager;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The index directory's live segment, kept current: a refresher thread polls the commit file and swaps a newly
 * published generation in through the {@link SearcherManager}, so that requests in flight finish on the segment they
 * started on. The server may start before anything is published; it becomes ready with the first commit.
 */
final class LiveIndex implements Closeable {
    private final Path dir;
    private final Metrics metrics;
    private final Consumer<String> log;
    private final ScheduledExecutorService refresher;
    /** Null until the directory holds a commit. */
    private volatile SearcherManager manager;
    private volatile String lastFailure;

    LiveIndex(Path dir, long refreshMillis, Metrics metrics, Consumer<String> log) {
        this.dir = dir;
        this.metrics = metrics;
        this.log = log;
        refresh();
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "arbor-refresh");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refresh, refreshMillis, refreshMillis, TimeUnit.MILLISECONDS);
    }

    /** Opens the first commit, or swaps in a newer one; a failure leaves the segment in service and is reported once. */
    synchronized void refresh() {
        try {
            if (manager == null) {
                manager = new SearcherManager(dir);
                log.accept(serving());
            } else if (manager.maybeRefresh()) {
                metrics.swapped();
                log.accept(serving());
            }
            lastFailure = null;
        } catch (NoSuchFileException e) {
            // Nothing published yet: not a failure, the server is just not ready.
        } catch (IOException | RuntimeException e) {
            metrics.refreshFailed();
            String message = String.valueOf(e.getMessage());
            if (!message.equals(lastFailure)) {
                log.accept("could not open the newly committed segment (still serving generation " + generation()
                        + "): " + message);
                lastFailure = message;
            }
        }
    }

    boolean ready() {
        return manager != null;
    }

    /** The generation in service, -1 before the first commit. */
    long generation() {
        return ofCurrent(SearcherManager.Searcher::generation, -1);
    }

    /** The index kind in service as the format numbers it (1 a tree, 2 a path lattice), 0 before the first commit. */
    long indexKind() {
        return ofCurrent(s -> s.searcher().kind().code(), 0);
    }

    /** "serving generation N (a tree) from DIR": what a start or a swap put in service. */
    private String serving() {
        SearcherManager m = manager;
        SearcherManager.Searcher s = m.acquire();
        try {
            return "serving generation " + s.generation() + " (a " + s.searcher().kind().label() + ") from " + dir;
        } finally {
            m.release(s);
        }
    }

    /** {@code property} of the generation in service, or {@code none} before the first commit. */
    private long ofCurrent(ToLongFunction<SearcherManager.Searcher> property, long none) {
        SearcherManager m = manager;
        if (m == null) {
            return none;
        }
        SearcherManager.Searcher s = m.acquire();
        try {
            return property.applyAsLong(s);
        } finally {
            m.release(s);
        }
    }

    /** The segment in service, referenced until {@link #release}; a 503 while nothing is published. */
    SearcherManager.Searcher acquire() throws ErrorResponse {
        SearcherManager m = manager;
        if (m == null) {
            throw new ErrorResponse(503, "not ready: " + dir + " holds no published segment yet");
        }
        return m.acquire();
    }

    void release(SearcherManager.Searcher searcher) {
        manager.release(searcher);
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        try {
            refresher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SearcherManager m = manager;
        if (m != null) {
            m.close();
        }
    }
}
