package dev.arbor.reader;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Shares the live segment of an index directory among searching threads and swaps in newly committed
 * ones, after Lucene's {@code SearcherManager}: {@link #acquire()} a {@link Searcher}, search with it,
 * {@link #release(Searcher)} it (in a {@code finally}). {@link #maybeRefresh()} opens a newly committed
 * segment with every checksum verified and makes it current. A segment is a tree or a path lattice, seen
 * through its {@link SegmentSearcher}; a commit may change the kind, and the swap is the same. A replaced segment stays mapped while any
 * reader holds it and is closed (unmapped) by whichever release drops its last reference, so no search
 * ever touches an unmapped segment and no mapping outlives its readers.
 *
 * <p>The writer deletes segments older than the previous one; a segment a reader still holds may so be
 * unlinked while mapped, which Linux allows: its pages stay valid until the unmap.
 */
public final class SearcherManager implements Closeable {
    /** Attempts to open a commit whose segment the writer removed meanwhile, before giving up. */
    private static final int OPEN_ATTEMPTS = 10;

    /**
     * One reference-counted generation of the index, a tree or a path lattice. Queries are per thread and per
     * generation.
     */
    public static final class Searcher {
        private final SegmentSearcher searcher;
        private final long generation;
        /** Readers holding it, plus one for the manager while it is current; 0 means closed. */
        private final AtomicInteger refs = new AtomicInteger(1);

        private Searcher(SegmentSearcher searcher, long generation) {
            this.searcher = searcher;
            this.generation = generation;
        }

        /** The generation's segment, of either kind, and its queries. */
        public SegmentSearcher searcher() {
            return searcher;
        }

        /** The commit generation this segment was published as. */
        public long generation() {
            return generation;
        }

        /** Current references; 0 once the segment is closed. */
        public int refCount() {
            return refs.get();
        }

        private boolean tryIncRef() {
            for (int n = refs.get(); n > 0; n = refs.get()) {
                if (refs.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
            return false;
        }

        private void decRef() {
            int n = refs.decrementAndGet();
            if (n == 0) {
                searcher.close();
            } else if (n < 0) {
                throw new IllegalStateException("generation " + generation + " was released more often than acquired");
            }
        }
    }

    private final Path indexDir;
    private final ReentrantLock refreshLock = new ReentrantLock();
    /** Null once closed. */
    private volatile Searcher current;

    /** Opens the directory's live segment, verified. */
    public SearcherManager(Path indexDir) throws IOException {
        this.indexDir = indexDir;
        this.current = openCommitted(-1);
    }

    /** The current generation, with a reference the caller must {@link #release} exactly once. */
    public Searcher acquire() {
        while (true) {
            Searcher s = current;
            if (s == null) {
                throw new IllegalStateException("the SearcherManager of " + indexDir + " is closed");
            }
            if (s.tryIncRef()) {
                return s;
            }
            // s was replaced and its last reference dropped between the read and the increment: read again.
        }
    }

    public void release(Searcher searcher) {
        searcher.decRef();
    }

    /**
     * Swaps in the committed generation if it differs from the current one; returns whether it did. On
     * failure the current generation stays in service and the error is thrown. Concurrent calls wait for
     * each other.
     */
    public boolean maybeRefresh() throws IOException {
        refreshLock.lock();
        try {
            Searcher old = current;
            if (old == null) {
                throw new IllegalStateException("the SearcherManager of " + indexDir + " is closed");
            }
            Searcher fresh = openCommitted(old.generation());
            if (fresh == null) {
                return false;
            }
            current = fresh;
            old.decRef();
            return true;
        } finally {
            refreshLock.unlock();
        }
    }

    /**
     * Opens the committed segment unless its generation is {@code unless}, then returns null. A writer
     * may publish twice and delete the segment named by the commit just read before it is opened; then the
     * commit is read again.
     */
    private Searcher openCommitted(long unless) throws IOException {
        for (int attempt = 1; ; attempt++) {
            IndexDirectory.Commit commit = IndexDirectory.readCommit(indexDir);
            if (commit.generation() == unless) {
                return null;
            }
            try {
                return new Searcher(IndexDirectory.openSearcher(indexDir, commit, true), commit.generation());
            } catch (IOException e) {
                if (attempt == OPEN_ATTEMPTS || IndexDirectory.readCommit(indexDir).generation() == commit.generation()) {
                    throw e;
                }
            }
        }
    }

    /** Drops the manager's reference; readers still holding the current generation finish first. */
    @Override
    public void close() {
        refreshLock.lock();
        try {
            Searcher s = current;
            if (s != null) {
                current = null;
                s.decRef();
            }
        } finally {
            refreshLock.unlock();
        }
    }
}
