package dev.arbor.bench.harness;

import dev.arbor.reader.TreeSegment;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The exact top-K item ids of each query by brute force. One exact query scores every item (seconds at
 * millions of items), so each query's answer is computed once and kept in a file next to the index,
 * keyed by the segment id and K; a later run with more queries only computes the new ones.
 */
final class GroundTruth {
    private static final int MAGIC = 0x41425447; // "ABTG": ids, then the scorer fingerprint since G

    private GroundTruth() {
    }

    static long[][] of(TreeSegment segment, long[][] histories, int queries, int k, int threads, Path cache,
                       PrintWriter progress) throws IOException {
        byte[] segmentId = segment.files()[0].segmentId();
        long scorer = scorerFingerprint(segment, histories[0]);
        long[][] known = read(cache, segmentId, scorer, k);
        if (known.length >= queries) {
            return Arrays.copyOf(known, queries);
        }
        long[][] truth = Arrays.copyOf(known, queries);
        long t0 = System.nanoTime();
        compute(segment, histories, truth, known.length, k, threads, progress);
        double seconds = (System.nanoTime() - t0) / 1e9;
        progress.printf("%n  brute force: %d queries in %.1f s (%.2f s per query per thread)%n", queries - known.length,
                seconds, seconds * Math.min(threads, queries - known.length) / (queries - known.length));
        write(cache, segmentId, scorer, k, truth);
        return truth;
    }

    /**
     * The exact bits of a few scores for one history. A scorer whose arithmetic changed (another summation
     * order, other kernels) rounds differently, and a near-tie at rank K can then flip: the cached answers of
     * the old scorer would cost recall that the new one does not lose. A changed fingerprint recomputes them.
     */
    private static long scorerFingerprint(TreeSegment segment, long[] history) {
        BeamSearcher searcher = new BeamSearcher(segment);
        SearchResult result = new SearchResult(16);
        searcher.search(searcher.newContext().history(history, history.length), 16, 16, result);
        long hash = 1;
        for (int i = 0; i < result.count(); i++) {
            hash = 31 * hash + Float.floatToRawIntBits(result.score(i));
        }
        return hash;
    }

    private static void compute(TreeSegment segment, long[][] histories, long[][] truth, int from, int k, int threads,
                                PrintWriter progress) {
        BeamSearcher searcher = new BeamSearcher(segment);
        AtomicInteger next = new AtomicInteger(from), done = new AtomicInteger();
        int todo = truth.length - from;
        long[] lastReport = {0}; // guarded by progress: at most one progress line a second
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    SearchContext ctx = searcher.newContext();
                    SearchResult result = new SearchResult(k);
                    for (int q = next.getAndIncrement(); q < truth.length; q = next.getAndIncrement()) {
                        searcher.bruteForce(ctx.reset().history(histories[q], histories[q].length), k, result);
                        long[] ids = new long[result.count()];
                        for (int i = 0; i < ids.length; i++) {
                            ids[i] = result.itemId(i);
                        }
                        truth[q] = ids;
                        int finished = done.incrementAndGet();
                        synchronized (progress) {
                            long now = System.nanoTime();
                            if (finished == todo || now - lastReport[0] > 1_000_000_000L) {
                                lastReport[0] = now;
                                progress.printf("\r  brute force: %d/%d queries", finished, todo).flush();
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during brute force", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The cached answers, or none when the file is missing, cut short, or belongs to another segment, scorer
     * or K.
     */
    private static long[][] read(Path cache, byte[] segmentId, long scorer, int k) throws IOException {
        if (!Files.exists(cache)) {
            return new long[0][];
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(cache)))) {
            if (in.readInt() != MAGIC) {
                return new long[0][];
            }
            byte[] id = new byte[segmentId.length];
            in.readFully(id);
            if (!Arrays.equals(id, segmentId) || in.readLong() != scorer || in.readInt() != k) {
                return new long[0][];
            }
            long[][] truth = new long[in.readInt()][];
            for (int q = 0; q < truth.length; q++) {
                truth[q] = new long[in.readInt()];
                for (int i = 0; i < truth[q].length; i++) {
                    truth[q][i] = in.readLong();
                }
            }
            return truth;
        } catch (EOFException e) {
            return new long[0][];
        }
    }

    private static void write(Path cache, byte[] segmentId, long scorer, int k, long[][] truth) throws IOException {
        Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeInt(MAGIC);
            out.write(segmentId);
            out.writeLong(scorer);
            out.writeInt(k);
            out.writeInt(truth.length);
            for (long[] ids : truth) {
                out.writeInt(ids.length);
                for (long id : ids) {
                    out.writeLong(id);
                }
            }
        }
        Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
