package dev.arbor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.format.ModelKind;
import dev.arbor.format.ModelWeights;
import dev.arbor.format.TreeIndex;
import dev.arbor.jobs.AddItemsJob;
import dev.arbor.onnx.ModelImport;
import dev.arbor.onnx.OnnxExporter;
import dev.arbor.onnx.ScoreCheck;
import dev.arbor.progress.ProgressListener;
import dev.arbor.scorer.ModelTensors;
import dev.arbor.serve.RetrievalServer;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code add-items} and {@code import-onnx} against a running {@code arbor serve}: each publishes a generation, the
 * server swaps it in without a restart, and answers from it.
 */
class LiveUpdatesTest {
    /** 1,024 leaves: 24 spare for add-items. */
    private static final int ITEMS = 1000;
    /** Generous for a busy machine: the server polls every 250 ms. */
    private static final long SWAP_WAIT_MILLIS = 60_000;

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void anAddedItemAndAnImportedModelAreServedWithoutARestart() throws Exception {
        TreeIndex base = SyntheticIndex.generate(ITEMS, 2, ModelKind.MLP, 9);
        Path index = dir.resolve("index");
        SegmentWriter.write(index, base);
        long historyItem = base.itemIds()[500], newItem = 42;
        String history = "{\"history\": [" + historyItem + "], \"k\": 10, \"beam\": 40";
        String onlyNew = history + ", \"filter\": {\"allow\": [" + newItem + "]}}";

        String imported;
        try (RetrievalServer server = RetrievalServer.start(index, RetrievalServer.Options.defaults(index).withPort(0),
                line -> { })) {
            assertEquals(0, itemIds(retrieve(server, onlyNew)).length, "the new item is not in generation 1");
            String before = retrieve(server, history + "}");

            // add-items: the new item takes the leaf vector of the history's own item, so it is a near neighbour.
            int row = base.shape().leafNode(base.itemToLeaf()[500]) * base.dim();
            StringBuilder vector = new StringBuilder();
            for (float x : Arrays.copyOfRange(base.nodeEmbeddings(), row, row + base.dim())) {
                vector.append(vector.isEmpty() ? "" : " ").append(x);
            }
            Path items = Files.writeString(dir.resolve("new.csv"), "id,category,embedding\n" + newItem + ",," + vector
                    + "\n");
            AddItemsJob.run(index, items, ProgressListener.SILENT);
            String added = awaitGeneration(server, onlyNew, 2);
            assertArrayEquals(new long[] {newItem}, itemIds(added), "generation 2 serves the added item");

            // import-onnx: other weights of the same architecture, in place of the live model.
            Path onnx = dir.resolve("model.onnx");
            OnnxExporter.write(ModelTensors.of(ModelWeights.gaussian(base.model().architecture(), 0.4, 77)), onnx);
            ModelImport.run(onnx, index, new ScoreCheck.Size(10, 20), 3);
            imported = awaitGeneration(server, history + "}", 3);
            assertFalse(Arrays.equals(itemIds(before), itemIds(imported)), "the imported model ranks differently");
        }
        // A server started on the directory now (the first one closed: it held the history store).
        try (RetrievalServer cold = RetrievalServer.start(index, RetrievalServer.Options.defaults(index).withPort(0),
                line -> { })) {
            assertArrayEquals(itemIds(retrieve(cold, history + "}")), itemIds(imported),
                    "the swapped-in generation answers as a server started on it does");
        }
    }

    /** The answer to {@code body} once the server serves {@code generation}. */
    private String awaitGeneration(RetrievalServer server, String body, long generation) throws Exception {
        long deadline = System.currentTimeMillis() + SWAP_WAIT_MILLIS;
        while (true) {
            String answer = retrieve(server, body);
            long served = field(answer, "generation");
            if (served == generation) {
                return answer;
            }
            assertTrue(served < generation, "generation " + served + " after " + generation);
            assertTrue(System.currentTimeMillis() < deadline, "generation " + generation + " not served within "
                    + SWAP_WAIT_MILLIS + " ms");
            Thread.sleep(50);
        }
    }

    private String retrieve(RetrievalServer server, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort()
                + "/v1/retrieve")).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static long[] itemIds(String json) {
        Matcher m = Pattern.compile("\"item_id\":(\\d+)").matcher(json);
        return m.results().mapToLong(r -> Long.parseLong(r.group(1))).toArray();
    }

    private static long field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Long.parseLong(m.group(1));
    }
}
