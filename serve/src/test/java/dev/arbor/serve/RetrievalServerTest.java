package dev.arbor.serve;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.BehaviourWindows;
import dev.arbor.format.ExternalIds;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeIndex;
import dev.arbor.format.LatticeShape;
import dev.arbor.format.LatticeWeights;
import dev.arbor.format.ModelKind;
import dev.arbor.format.TreeIndex;
import dev.arbor.lattice.LatticeModelScorer;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.reader.TreeSegment;
import dev.arbor.scorer.Kernels;
import dev.arbor.search.BeamSearcher;
import dev.arbor.search.SearchContext;
import dev.arbor.search.SearchResult;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arbor serve} end to end over loopback: answers from a tree and from a path lattice, refusals with their
 * statuses, security, swaps (between the kinds too), overload.
 */
class RetrievalServerTest {
    private static final String TOKEN = "s3cret-token";
    /** The JDK server's read timeout is JVM-wide; every server of this test class uses the same. */
    private static final long READ_TIMEOUT_SECONDS = 2;
    /** The path lattices' items and codes per layer. */
    private static final int LATTICE_ITEMS = 300, LATTICE_K = 8;

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();
    private final List<RetrievalServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(RetrievalServer::close);
    }

    private RetrievalServer start(Path index, RetrievalServer.Options options) throws IOException {
        RetrievalServer server = RetrievalServer.start(index, options, line -> { });
        servers.add(server);
        return server;
    }

    private RetrievalServer.Options options(Path index) {
        return RetrievalServer.Options.defaults(index).withPort(0).withToken(TOKEN)
                .withTimeouts(30_000, READ_TIMEOUT_SECONDS);
    }

    private static TreeIndex index(int items, long seed) {
        return SyntheticIndex.generate(items, 2, ModelKind.ATTENTION_DNN, seed);
    }

    private RetrievalServer serve(int items) throws IOException {
        Path index = dir.resolve("index");
        SegmentWriter.write(index, index(items, 1));
        return start(index, options(index));
    }

    private HttpResponse<String> post(RetrievalServer s, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(RetrievalServer s, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(s, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(RetrievalServer s, String path) {
        return URI.create("http://127.0.0.1:" + s.address().getPort() + path);
    }

    private static long[] itemIds(String json) {
        Matcher m = Pattern.compile("\"item_id\":(\\d+)").matcher(json);
        List<Long> ids = new ArrayList<>();
        while (m.find()) {
            ids.add(Long.parseLong(m.group(1)));
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** A metric without labels, as {@code /metrics} renders it. */
    private static long metric(RetrievalServer s, String name) {
        return s.metrics().render().lines().filter(l -> l.startsWith(name + " "))
                .mapToLong(l -> Long.parseLong(l.substring(name.length() + 1))).findFirst().orElseThrow();
    }

    private static long field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Long.parseLong(m.group(1));
    }

    private static String ids(long... ids) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < ids.length; i++) {
            b.append(i == 0 ? "" : ",").append(ids[i]);
        }
        return b.append(']').toString();
    }

    @Test
    void answersAsTheBeamSearchDoes() throws Exception {
        RetrievalServer s = serve(5000);
        long[] history = {SyntheticIndex.itemId(10), SyntheticIndex.itemId(400), SyntheticIndex.itemId(3333)};
        HttpResponse<String> r = post(s, "/v1/retrieve", "{\"history\": " + ids(history) + ", \"k\": 20, \"beam\": 60}",
                null);
        assertEquals(200, r.statusCode(), r.body());
        try (TreeSegment segment = IndexDirectory.openLatest(dir.resolve("index"))) {
            BeamSearcher searcher = new BeamSearcher(segment);
            SearchContext ctx = searcher.newContext().history(history, history.length);
            for (long id : history) {
                ctx.exclude(id);
            }
            SearchResult expected = new SearchResult(20);
            searcher.search(ctx, 20, 60, expected);
            long[] want = new long[expected.count()];
            for (int i = 0; i < want.length; i++) {
                want[i] = expected.itemId(i);
                assertTrue(r.body().contains("{\"item_id\":" + want[i] + ",\"score\":" + expected.score(i) + "}"),
                        "score of rank " + i + " in " + r.body());
            }
            assertArrayEquals(want, itemIds(r.body()));
        }
        assertEquals(1, field(r.body(), "generation"));
        assertEquals(3, field(r.body(), "history_used"));
        assertEquals(0, field(r.body(), "unknown_history_items"));
        assertTrue(r.body().contains("\"timings_ms\":{\"queue\":"), r.body());
    }

    @Test
    void unknownHistoryItemsAreSkippedAndCounted() throws Exception {
        RetrievalServer s = serve(2000);
        long a = SyntheticIndex.itemId(5), b = SyntheticIndex.itemId(77);
        HttpResponse<String> withUnknown = post(s, "/v1/retrieve", "{\"history\": [" + a + ", 12345, " + b + ", 999]}", null);
        HttpResponse<String> known = post(s, "/v1/retrieve", "{\"history\": [" + a + ", " + b + "]}", null);
        assertEquals(200, withUnknown.statusCode(), withUnknown.body());
        assertEquals(2, field(withUnknown.body(), "unknown_history_items"));
        assertEquals(2, field(withUnknown.body(), "history_used"));
        assertArrayEquals(itemIds(known.body()), itemIds(withUnknown.body()));
        assertTrue(s.metrics().render().contains("arbor_unknown_history_items_total 2"));
    }

    @Test
    void aHistoryLongerThanTheModelsIsCutToItsMostRecentItems() throws Exception {
        RetrievalServer s = serve(2000);
        long[] history = new long[100];
        for (int i = 0; i < history.length; i++) {
            history[i] = SyntheticIndex.itemId(i * 13);
        }
        long[] recent = java.util.Arrays.copyOfRange(history, 100 - 69, 100);
        String options = ", \"exclude_history\": false, \"k\": 30}";
        HttpResponse<String> full = post(s, "/v1/retrieve", "{\"history\": " + ids(history) + options, null);
        HttpResponse<String> cut = post(s, "/v1/retrieve", "{\"history\": " + ids(recent) + options, null);
        assertEquals(69, field(full.body(), "history_used"));
        assertArrayEquals(itemIds(cut.body()), itemIds(full.body()));
        long[] older = java.util.Arrays.copyOfRange(history, 0, 69);
        assertFalse(java.util.Arrays.equals(itemIds(full.body()),
                itemIds(post(s, "/v1/retrieve", "{\"history\": " + ids(older) + options, null).body())),
                "the oldest items would give another answer, so the cut is visible");
    }

    @Test
    void eventsBuildTheHistoryThatRetrievalReads() throws Exception {
        RetrievalServer s = serve(2000);
        long[] items = {SyntheticIndex.itemId(1), SyntheticIndex.itemId(900), SyntheticIndex.itemId(1500)};
        for (int i = items.length - 1; i >= 0; i--) {
            // Sent newest first: the store orders by timestamp.
            HttpResponse<String> r = post(s, "/v1/events", "{\"user_id\": \"alice\", \"item_id\": " + items[i]
                    + ", \"ts\": " + (1000 + i) + "}", TOKEN);
            assertEquals(200, r.statusCode(), r.body());
        }
        HttpResponse<String> byUser = post(s, "/v1/retrieve", "{\"user_id\": \"alice\", \"k\": 15}", null);
        HttpResponse<String> byHistory = post(s, "/v1/retrieve", "{\"history\": " + ids(items) + ", \"k\": 15}", null);
        assertEquals(200, byUser.statusCode(), byUser.body());
        assertEquals(3, field(byUser.body(), "history_used"));
        assertArrayEquals(itemIds(byHistory.body()), itemIds(byUser.body()));
        HttpResponse<String> stranger = post(s, "/v1/retrieve", "{\"user_id\": 42}", null);
        assertEquals(200, stranger.statusCode(), "an unknown user gets the empty history's answer");
        assertEquals(0, field(stranger.body(), "history_used"));
    }

    /**
     * Items named by strings (every third keeps its integer id): histories, exclusions, allow lists and events take
     * the strings, the answer names the items, and it is the beam search's answer over the items' ordinals.
     */
    @Test
    void stringItemIdsRetrieveAndRecordEvents() throws Exception {
        TreeIndex plain = index(2000, 1);
        long[] ids = plain.itemIds().clone();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            names.add(i % 3 == 1 ? "" : "sku-" + i);
            if (i % 3 != 1) {
                ids[i] = ExternalIds.nameId("sku-" + i);
            }
        }
        Path index = dir.resolve("index");
        SegmentWriter.write(index, new TreeIndex(plain.shape(), ids, plain.itemToLeaf(), plain.nodeEmbeddings(),
                plain.model(), plain.metadata(), plain.itemCategories(), plain.categoryNames(), names));
        RetrievalServer s = start(index, options(index));
        String history = "[\"sku-3\", " + ids[400] + ", \"sku-900\"]";
        HttpResponse<String> r = post(s, "/v1/retrieve", "{\"history\": " + history + ", \"k\": 20, \"beam\": 60,"
                + " \"exclude\": [\"sku-5\"]}", null);
        assertEquals(200, r.statusCode(), r.body());
        List<String> answer = new ArrayList<>();
        try (TreeSegment segment = IndexDirectory.openLatest(index)) {
            BeamSearcher searcher = new BeamSearcher(segment);
            int[] ordinals = {3, 400, 900};
            SearchContext ctx = searcher.newContext().historyOrdinals(ordinals, 3).excludeOrdinal(5);
            for (int ordinal : ordinals) {
                ctx.excludeOrdinal(ordinal);
            }
            SearchResult expected = new SearchResult(20);
            searcher.search(ctx, 20, 60, expected);
            for (int i = 0; i < expected.count(); i++) {
                String name = names.get(expected.ordinal(i));
                answer.add(name.isEmpty() ? Long.toString(expected.itemId(i)) : "\"" + name + "\"");
            }
        }
        assertEquals(answer, itemTexts(r.body()));
        assertTrue(answer.stream().anyMatch(a -> a.startsWith("\"sku-")), "names answer as JSON strings");
        assertEquals(3, field(r.body(), "history_used"));

        HttpResponse<String> unknown = post(s, "/v1/retrieve", "{\"history\": [\"sku-3\", \"sku-1\", \"nope\"]}", null);
        assertEquals(2, field(unknown.body(), "unknown_history_items"), "sku-1 was never named, nope is no item");

        String allow = "[" + answer.get(3) + ", " + answer.get(7) + "]";
        List<String> allowed = itemTexts(post(s, "/v1/retrieve", "{\"history\": " + history + ", \"k\": 5,"
                + " \"exclude\": [\"sku-5\"], \"filter\": {\"allow\": " + allow + "}}", null).body());
        assertEquals(List.of(answer.get(3), answer.get(7)), allowed);

        for (String item : List.of("\"sku-3\"", Long.toString(ids[400]), "\"sku-900\"")) {
            assertEquals(200, post(s, "/v1/events", "{\"user_id\": \"bob\", \"item_id\": " + item + ", \"ts\": "
                    + System.nanoTime() + "}", TOKEN).statusCode());
        }
        HttpResponse<String> byUser = post(s, "/v1/retrieve", "{\"user_id\": \"bob\", \"k\": 20, \"beam\": 60,"
                + " \"exclude\": [\"sku-5\"]}", null);
        assertEquals(answer, itemTexts(byUser.body()), "the events' items are the history");
    }

    /** The answer's item ids as the JSON text they are: digits, or a string in quotes. */
    private static List<String> itemTexts(String json) {
        Matcher m = Pattern.compile("\"item_id\":(-?\\d+|\"[^\"]*\")").matcher(json);
        List<String> ids = new ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    @Test
    void writesNeedTheToken() throws Exception {
        RetrievalServer s = serve(1000);
        String event = "{\"user_id\": \"u\", \"item_id\": 1, \"ts\": 1}";
        HttpResponse<String> none = post(s, "/v1/events", event, null);
        assertEquals(401, none.statusCode());
        assertTrue(none.body().contains("Authorization: Bearer"), none.body());
        assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals(401, post(s, "/v1/events", event, "wrong").statusCode());
        assertEquals(401, post(s, "/v1/events", event, TOKEN + "x").statusCode());
        assertEquals(200, post(s, "/v1/events", event, TOKEN).statusCode());

        Path other = dir.resolve("other");
        SegmentWriter.write(other, index(1000, 2));
        RetrievalServer readOnly = start(other, options(other).withToken(null));
        HttpResponse<String> disabled = post(readOnly, "/v1/events", event, TOKEN);
        assertEquals(403, disabled.statusCode());
        assertTrue(disabled.body().contains("--token-file"), disabled.body());
    }

    @Test
    void badRequestsGetTheirStatusAndAMessageNamingTheField() throws Exception {
        RetrievalServer s = serve(1000);
        HttpResponse<String> r = post(s, "/v1/retrieve", "{\"history\": [1], \"k\": 100000}", null);
        assertEquals(400, r.statusCode());
        assertEquals("{\"error\":\"field 'k': must be in [1, 1000], got 100000\",\"status\":400}", r.body());
        assertEquals(400, post(s, "/v1/retrieve", "{\"history\": [1], \"beam\": 99999999}", null).statusCode());
        assertTrue(post(s, "/v1/retrieve", "{not json", null).body().contains("malformed JSON at line 1"));
        assertTrue(post(s, "/v1/events", "{\"user_id\": \"u\", \"item_id\": \"\", \"ts\": 1}", TOKEN).body()
                .contains("field 'item_id': must not be an empty string"));
        HttpResponse<String> category = post(s, "/v1/retrieve", "{\"history\": [1], \"filter\": {\"categories\":"
                + " [\"no-such-category\"]}}", null);
        assertEquals(400, category.statusCode(), category.body());
        assertTrue(category.body().contains("filter.categories"), category.body());
        assertEquals(404, get(s, "/v2/nothing").statusCode());
        HttpResponse<String> method = get(s, "/v1/retrieve");
        assertEquals(405, method.statusCode());
        assertEquals("POST", method.headers().firstValue("Allow").orElse(null));
        assertEquals(405, post(s, "/metrics", "", null).statusCode());
        String metrics = get(s, "/metrics").body();
        assertTrue(metrics.contains("arbor_requests_total{endpoint=\"/v1/retrieve\",code=\"400\"} 4"), metrics);
        assertTrue(metrics.contains("arbor_requests_total{endpoint=\"other\",code=\"404\"} 1"), metrics);
    }

    @Test
    void allowAndDenyListsFilterTheResults() throws Exception {
        RetrievalServer s = serve(3000);
        String history = ids(SyntheticIndex.itemId(100), SyntheticIndex.itemId(200));
        long[] all = itemIds(post(s, "/v1/retrieve", "{\"history\": " + history + ", \"k\": 10}", null).body());
        long[] denied = itemIds(post(s, "/v1/retrieve", "{\"history\": " + history + ", \"k\": 10, \"filter\":"
                + " {\"deny\": [" + all[0] + ", " + all[1] + "]}}", null).body());
        assertEquals(10, denied.length);
        for (long id : denied) {
            assertNotEquals(all[0], id);
            assertNotEquals(all[1], id);
        }
        long[] allow = {all[3], all[7], SyntheticIndex.itemId(2999)};
        String answer = post(s, "/v1/retrieve", "{\"history\": " + history + ", \"k\": 10, \"beam\": 10,"
                + " \"filter\": {\"allow\": " + ids(allow) + "}}", null).body();
        long[] allowed = itemIds(answer);
        java.util.Arrays.sort(allow);
        java.util.Arrays.sort(allowed);
        assertArrayEquals(allow, allowed, "a narrow beam misses some allowed items; the exact fallback finds them all");
        assertTrue(answer.contains("\"search\":\"exact\""), answer);
        assertTrue(post(s, "/v1/retrieve", "{\"history\": " + history + ", \"k\": 10}", null).body()
                .contains("\"search\":\"beam\""));
    }

    @Test
    void aCategoryFilterReturnsOnlyItemsOfThoseCategories() throws Exception {
        RetrievalServer s = serve(4000);
        String history = ids(SyntheticIndex.itemId(100), SyntheticIndex.itemId(2100));
        long[] found = itemIds(post(s, "/v1/retrieve", "{\"history\": " + history + ", \"k\": 50, \"beam\": 200,"
                + " \"filter\": {\"categories\": [\"c3\", \"c17\"]}}", null).body());
        assertEquals(50, found.length);
        try (TreeSegment segment = IndexDirectory.openLatest(dir.resolve("index"))) {
            int c3 = segment.categoryOrdinal("c3"), c17 = segment.categoryOrdinal("c17");
            for (long id : found) {
                int category = segment.categoryOf(segment.ordinalOf(id));
                assertTrue(category == c3 || category == c17, id + " is in " + segment.categoryName(category));
            }
            String narrow = post(s, "/v1/retrieve", "{\"history\": " + history + ", \"k\": 20, \"beam\": 20,"
                    + " \"filter\": {\"categories\": [\"c19\"]}}", null).body();
            long[] far = itemIds(narrow);
            assertEquals(20, far.length, "a category far from the history still fills k: " + narrow);
            for (long id : far) {
                assertEquals(segment.categoryOrdinal("c19"), segment.categoryOf(segment.ordinalOf(id)));
            }
            long[] unfiltered = itemIds(post(s, "/v1/retrieve", "{\"history\": " + history + ", \"k\": 50}", null).body());
            assertTrue(java.util.Arrays.stream(unfiltered).anyMatch(id -> {
                int c = segment.categoryOf(segment.ordinalOf(id));
                return c != c3 && c != c17;
            }), "without the filter other categories come back, so the filter did the work");
        }
    }

    @Test
    void bodiesOverTheLimitGet413WithoutBeingRead() throws Exception {
        RetrievalServer s = serve(1000);
        long heapBefore = usedHeapAfterGc();
        byte[] chunk = new byte[64 << 10];
        java.util.Arrays.fill(chunk, (byte) ' ');
        for (int i = 0; i < 5; i++) {
            try (Socket socket = new Socket("127.0.0.1", s.address().getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/retrieve HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                        + (10 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                // The answer comes before the body is read; reading it first keeps the close that follows from
                // resetting the connection under it.
                String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 413", status);
                try {
                    for (int sent = chunk.length; sent < (10 << 20); sent += chunk.length) {
                        out.write(chunk);
                    }
                } catch (IOException e) {
                    // The server closed the connection: the rest of the body was never going to be read.
                }
            }
        }
        long heapAfter = usedHeapAfterGc();
        assertTrue(heapAfter - heapBefore < (8 << 20), "five 10 MiB bodies grew the heap by " + (heapAfter - heapBefore));
        // A chunked body declares no length; it is cut off once it passes the limit (1 MiB): 16 chunks of 64 KiB,
        // then one more of 1,000 bytes and the last chunk.
        try (Socket socket = new Socket("127.0.0.1", s.address().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /v1/retrieve HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 16; i++) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write(("3e8\r\n" + " ".repeat(1000) + "\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 413", new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
        }
        assertEquals(200, post(s, "/v1/retrieve", "{\"history\": []}", null).statusCode(), "the server still serves");
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void aSlowClientIsCutOffAndHoldsNoWorker() throws Exception {
        Path index = dir.resolve("index");
        SegmentWriter.write(index, index(1000, 1));
        RetrievalServer s = start(index, options(index).withWorkers(1, 0));
        try (Socket slow = new Socket("127.0.0.1", s.address().getPort())) {
            slow.getOutputStream().write("POST /v1/retrieve HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"hi"
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 3; i++) {
                assertEquals(200, post(s, "/v1/retrieve", "{\"history\": []}", null).statusCode(),
                        "the one worker serves others while a client dawdles");
            }
            slow.setSoTimeout((int) (READ_TIMEOUT_SECONDS + 10) * 1000);
            long t = System.nanoTime();
            int read;
            try {
                read = slow.getInputStream().read();
            } catch (IOException e) {
                read = -1;
            }
            double waited = (System.nanoTime() - t) / 1e9;
            assertEquals(-1, read, "the server closed the connection rather than answer");
            assertTrue(waited < READ_TIMEOUT_SECONDS + 5, "closed after " + waited + " s");
        }
    }

    @Test
    void notReadyUntilTheFirstCommitThenSwapsEachNewOne() throws Exception {
        Path index = dir.resolve("later");
        Files.createDirectories(index);
        RetrievalServer s = start(index, options(index));
        assertEquals(200, get(s, "/healthz").statusCode());
        assertEquals(503, get(s, "/readyz").statusCode());
        HttpResponse<String> early = post(s, "/v1/retrieve", "{\"history\": []}", null);
        assertEquals(503, early.statusCode());
        assertTrue(early.body().contains("no published segment yet"), early.body());
        for (int generation = 1; generation <= 3; generation++) {
            SegmentWriter.write(index, index(1500, generation));
            long t = System.nanoTime();
            while (s.generation() != generation && System.nanoTime() - t < 10e9) {
                Thread.sleep(20);
            }
            assertEquals(generation, s.generation(), "picked up the new commit");
            HttpResponse<String> r = post(s, "/v1/retrieve", "{\"history\": [" + SyntheticIndex.itemId(3) + "]}", null);
            assertEquals(generation, field(r.body(), "generation"));
        }
        assertEquals(200, get(s, "/readyz").statusCode());
        String metrics = get(s, "/metrics").body();
        assertTrue(metrics.contains("arbor_segment_generation 3"), metrics);
        assertTrue(metrics.contains("arbor_segment_swaps_total 2"), metrics);
    }

    @Test
    void aRetrievalPastItsTimeoutGetsA503() throws Exception {
        Path index = dir.resolve("index");
        SegmentWriter.write(index, index(60_000, 1));
        RetrievalServer s = start(index, options(index).withTimeouts(1, READ_TIMEOUT_SECONDS));
        HttpResponse<String> r = post(s, "/v1/retrieve", "{\"history\": [" + SyntheticIndex.itemId(7) + "], \"k\": 1000,"
                + " \"beam\": 10000}", null);
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(r.body().contains("timed out"), r.body());
    }

    /** A small path lattice of 8 x 3 codes, two paths per item, ids from 500, items in categories c0 .. c3. */
    private static LatticeIndex lattice(long seed) {
        LatticeArchitecture arch = new LatticeArchitecture(new LatticeShape(LATTICE_K, 3), 8, BehaviourWindows.sizes(),
                new int[] {16}, new int[] {8});
        SplittableRandom r = new SplittableRandom(seed);
        long[] ids = LongStream.range(0, LATTICE_ITEMS).map(i -> 500 + i).toArray();
        int[] paths = new int[LATTICE_ITEMS * 2 * 3], categories = new int[LATTICE_ITEMS];
        for (int i = 0; i < LATTICE_ITEMS; i++) {
            for (int d = 0; d < 3; d++) {
                paths[i * 6 + d] = r.nextInt(LATTICE_K);
                // The second path differs from the first in its last code.
                paths[i * 6 + 3 + d] = d < 2 ? paths[i * 6 + d] : (paths[i * 6 + d] + 1 + r.nextInt(LATTICE_K - 1)) % LATTICE_K;
            }
            categories[i] = i % 4;
        }
        float[] embeddings = new float[LATTICE_ITEMS * 8], rerank = new float[LATTICE_ITEMS * 8];
        for (int i = 0; i < embeddings.length; i++) {
            embeddings[i] = (float) r.nextGaussian();
            rerank[i] = (float) r.nextGaussian();
        }
        return new LatticeIndex(LatticeWeights.gaussian(arch, 0.3, seed), 2, ids, paths, embeddings, rerank,
                Map.of("seed", Long.toString(seed)), categories, List.of("c0", "c1", "c2", "c3"));
    }

    /**
     * The reranker's own top k over every item but the history's: what a beam keeping every path must answer. Computed
     * from the live lattice's model, without its paths.
     */
    private static long[] rerankOracle(Path index, long[] history, int k) throws IOException {
        try (LatticeSegment segment = IndexDirectory.openLatestLattice(index)) {
            LatticeModelScorer scorer = segment.scorer(Kernels.best());
            LatticeModelScorer.User user = scorer.newUser();
            int[] ordinals = LongStream.of(history).mapToInt(segment::ordinalOf).toArray();
            scorer.prepare(user, ordinals, ordinals.length);
            int[] items = IntStream.range(0, segment.itemCount()).filter(i -> IntStream.of(ordinals).noneMatch(h -> h == i))
                    .toArray();
            float[] scores = new float[items.length];
            scorer.score(user, items, items.length, scores);
            return IntStream.range(0, items.length).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> items[i]))
                    .limit(k).mapToLong(i -> segment.itemId(items[i])).toArray();
        }
    }

    private static void awaitGeneration(RetrievalServer s, long generation) throws InterruptedException {
        long t = System.nanoTime();
        while (s.generation() != generation && System.nanoTime() - t < 10e9) {
            Thread.sleep(20);
        }
        assertEquals(generation, s.generation(), "picked up the new commit");
    }

    @Test
    void aPathLatticeIsServedAndSwappedForTheNextLatticeGeneration() throws Exception {
        Path index = dir.resolve("index");
        SegmentWriter.write(index, lattice(1));
        RetrievalServer s = start(index, options(index));
        long[] history = {510, 640, 777};
        // A beam of every path (8^3) hands the reranker every item: the answer is the reranker's own ranking.
        String request = "{\"history\": " + ids(history) + ", \"k\": 25, \"beam\": 512}";
        for (long generation = 1; generation <= 3; generation++) {
            if (generation > 1) {
                SegmentWriter.write(index, lattice(generation));
                awaitGeneration(s, generation);
            }
            HttpResponse<String> r = post(s, "/v1/retrieve", request, null);
            assertEquals(200, r.statusCode(), r.body());
            assertArrayEquals(rerankOracle(index, history, 25), itemIds(r.body()), r.body());
            assertEquals(generation, field(r.body(), "generation"));
            assertTrue(r.body().contains("\"index\":\"lattice\",\"search\":\"beam\""), r.body());
            assertEquals(LATTICE_ITEMS - history.length, field(r.body(), "scored_nodes"), "every item reranked");
            assertEquals(history.length, field(r.body(), "history_used"));
        }
        assertEquals(2, metric(s, "arbor_segment_swaps_total"));
        // A narrow beam reranks only its paths' items.
        String narrow = post(s, "/v1/retrieve", "{\"history\": " + ids(history) + ", \"k\": 5, \"beam\": 5}", null)
                .body();
        assertTrue(field(narrow, "scored_nodes") < LATTICE_ITEMS / 4, narrow);
    }

    @Test
    void aTreeGivesWayToALatticeAndTheLatticeToATree() throws Exception {
        RetrievalServer s = serve(1000);
        String treeRequest = "{\"history\": [" + SyntheticIndex.itemId(3) + "]}";
        assertTrue(post(s, "/v1/retrieve", treeRequest, null).body().contains("\"index\":\"tree\""));
        Path index = dir.resolve("index");
        assertEquals(1, metric(s, "arbor_segment_index_kind"));
        SegmentWriter.write(index, lattice(7));
        awaitGeneration(s, 2);
        assertEquals(2, metric(s, "arbor_segment_index_kind"));
        // The tree's items are unknown to the lattice: skipped and counted, as any unknown history item.
        HttpResponse<String> skipped = post(s, "/v1/retrieve", treeRequest, null);
        assertEquals(200, skipped.statusCode(), skipped.body());
        assertEquals(1, field(skipped.body(), "unknown_history_items"));
        // Ten paths of 512 hold about a dozen items, a quarter of them in c2: the category filter leaves them short of k,
        // and the server falls back to the reranker over every item of the category.
        String filtered = post(s, "/v1/retrieve", "{\"history\": [505, 606], \"k\": 10, \"beam\": 10,"
                + " \"filter\": {\"categories\": [\"c2\"]}}", null).body();
        assertTrue(filtered.contains("\"index\":\"lattice\",\"search\":\"exact\""), filtered);
        long[] found = itemIds(filtered);
        assertEquals(10, found.length, filtered);
        for (long id : found) {
            assertEquals(2, (id - 500) % 4, id + " is not in c2");
        }
        SegmentWriter.write(index, index(1000, 9));
        awaitGeneration(s, 3);
        assertEquals(1, metric(s, "arbor_segment_index_kind"));
        HttpResponse<String> tree = post(s, "/v1/retrieve", treeRequest, null);
        assertTrue(tree.body().contains("\"index\":\"tree\""), tree.body());
        assertEquals(0, field(tree.body(), "unknown_history_items"));
        assertEquals(0, metric(s, "arbor_segment_refresh_failures_total"));
    }

    @Test
    void aLatticeWhoseModelCannotServeIsRefusedAndTheTreeStaysInService() throws Exception {
        RetrievalServer s = serve(1000);
        // Windows of 2 and 1 behaviours: the reader opens it, but its model cannot read the served history layout.
        var arch = new LatticeArchitecture(new LatticeShape(4, 2), 4, new int[] {2, 1}, new int[] {8}, new int[] {8});
        int items = 10;
        int[] paths = new int[items * 2];
        for (int i = 0; i < items; i++) {
            paths[2 * i] = i % 4;
            paths[2 * i + 1] = i / 4;
        }
        long[] ids = LongStream.range(0, items).map(i -> 500 + i).toArray();
        SegmentWriter.write(dir.resolve("index"), new LatticeIndex(LatticeWeights.gaussian(arch, 0.1, 1), 1, ids, paths,
                new float[items * 4], new float[items * 4], Map.of()));
        long t = System.nanoTime();
        while (metric(s, "arbor_segment_refresh_failures_total") == 0 && System.nanoTime() - t < 10e9) {
            Thread.sleep(20);
        }
        String metrics = s.metrics().render();
        assertTrue(metric(s, "arbor_segment_refresh_failures_total") >= 1, metrics);
        assertEquals(1, s.generation(), "the tree stays in service");
        assertEquals(200, post(s, "/v1/retrieve", "{\"history\": [" + SyntheticIndex.itemId(3) + "]}", null).statusCode());
    }

    @Test
    void aBurstBeyondTheQueueGets503sAtOnce() throws Exception {
        Path index = dir.resolve("index");
        SegmentWriter.write(index, index(60_000, 1));
        RetrievalServer s = start(index, options(index).withWorkers(1, 1));
        String slow = "{\"history\": [" + SyntheticIndex.itemId(7) + "], \"k\": 1000, \"beam\": 10000}";
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            burst.add(client.sendAsync(HttpRequest.newBuilder(uri(s, "/v1/retrieve"))
                    .POST(HttpRequest.BodyPublishers.ofString(slow)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0, refused = 0;
        for (CompletableFuture<HttpResponse<String>> f : burst) {
            HttpResponse<String> r = f.get();
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(503, r.statusCode(), r.body());
                assertTrue(r.body().contains("overloaded"), r.body());
                assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
                refused++;
            }
        }
        assertTrue(ok >= 1 && refused >= 1, ok + " answered, " + refused + " refused");
        assertEquals(refused, s.metrics().requests(Metrics.Endpoint.RETRIEVE, 503));
    }
}
