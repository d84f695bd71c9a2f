package dev.arbor.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.arbor.format.ModelArchitecture;
import dev.arbor.format.SegmentFormat;
import dev.arbor.format.TreeIndex;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import dev.arbor.scorer.Kernels;
import dev.arbor.scorer.ModelTensors;
import dev.arbor.scorer.NodeScorer;
import dev.arbor.writer.SegmentWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code arbor import-onnx}: reads a scorer trained elsewhere from an ONNX file ({@link OnnxImporter}), puts it in
 * place of the live tree segment's model, keeping the tree, the items and the node embeddings, and publishes the
 * result as the next generation through {@link SegmentWriter}. Before publishing, the new model's scores are held to
 * ONNX Runtime's on random users of the index, and a model that disagrees is refused; after publishing, the live
 * segment's scorer is checked the same way, and that is the figure reported.
 *
 * <p>The new segment keeps the old one's properties (its split, its training settings) and records the import:
 * {@code import.onnx.file}, {@code import.onnx.sha256}, {@code import.onnx.producer}, {@code import.previousGeneration}
 * and {@code import.maxRelDiff}.
 */
public final class ModelImport {
    /** Largest relative score difference from ONNX Runtime that is still float rounding, not another model. */
    public static final double TOLERANCE = 1e-3;

    /**
     * What an import did.
     *
     * @param segment     the published segment's directory
     * @param previous    the model it replaced
     * @param imported    what was read from the graph
     * @param sha256      the ONNX file's checksum, as recorded in the segment
     * @param bytes       the ONNX file's size
     * @param maxRelDiff  the published scorer's largest relative difference from ONNX Runtime
     */
    public record Outcome(Path segment, ModelArchitecture previous, OnnxImporter.Imported imported, String sha256,
                          long bytes, double maxRelDiff) {
    }

    private ModelImport() {
    }

    /** Imports {@code onnxFile} into the index directory {@code indexDir}, checking {@code check} users' scores. */
    public static Outcome run(Path onnxFile, Path indexDir, ScoreCheck.Size check, long seed) throws IOException {
        byte[] bytes = Files.readAllBytes(onnxFile);
        OnnxMl.ModelProto proto;
        try {
            proto = OnnxMl.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(onnxFile + ": not an ONNX model (" + e.getMessage() + ")");
        }
        if (IndexDirectory.kind(indexDir) != SegmentFormat.INDEX_KIND_TREE) {
            throw new IllegalArgumentException(indexDir + ": the live segment is a path lattice (Deep Retrieval);"
                    + " import-onnx replaces a tree index's scorer");
        }
        String sha256 = sha256(bytes);
        long generation = IndexDirectory.readCommit(indexDir).generation();
        OnnxImporter.Imported imported;
        ModelArchitecture previous;
        TreeIndex index;
        try (TreeSegment live = IndexDirectory.openLatest(indexDir)) {
            previous = live.architecture();
            try {
                imported = OnnxImporter.read(proto, previous);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(onnxFile + ": " + e.getMessage(), e);
            }
            NodeScorer candidate = new NodeScorer(ModelTensors.of(imported.weights()), live.embeddings(), Kernels.best());
            double diff = check(candidate, live, bytes, imported, check, seed, onnxFile);
            if (!(diff <= TOLERANCE)) {
                throw new IllegalArgumentException(onnxFile + ": read as " + imported.description() + ", but its scores"
                        + " differ from ONNX Runtime's by up to " + String.format(Locale.ROOT, "%.3g", diff)
                        + " (relative) on random users: what it computes between the layers read is not the index's"
                        + " model (windows " + Arrays.toString(previous.windowSizes()) + ", each a mean over its"
                        + " non-empty slots); nothing was published");
            }
            TreeIndex old = live.toTreeIndex();
            Map<String, String> properties = new LinkedHashMap<>(old.metadata());
            properties.remove("created"); // the writer stamps the new segment's own
            properties.put("import.onnx.file", onnxFile.toAbsolutePath().normalize().toString());
            properties.put("import.onnx.sha256", sha256);
            properties.put("import.onnx.producer", (proto.getProducerName() + " " + proto.getProducerVersion()).trim());
            properties.put("import.previousGeneration", Long.toString(generation));
            properties.put("import.maxRelDiff", String.format(Locale.ROOT, "%.3g", diff));
            index = new TreeIndex(old.shape(), old.itemIds(), old.itemToLeaf(), old.nodeEmbeddings(), imported.weights(),
                    properties, old.itemCategories(), old.categoryNames());
        }
        Path segment = SegmentWriter.write(indexDir, index);
        try (TreeSegment published = IndexDirectory.openLatest(indexDir)) {
            double diff = check(published.scorer(), published, bytes, imported, check, seed, onnxFile);
            return new Outcome(segment, previous, imported, sha256, bytes.length, diff);
        }
    }

    private static double check(NodeScorer scorer, TreeSegment segment, byte[] bytes, OnnxImporter.Imported imported,
                                ScoreCheck.Size size, long seed, Path onnxFile) {
        ScoreCheck.Size batch = imported.candidateBatch() > 0 ? new ScoreCheck.Size(size.users(), imported.candidateBatch())
                : size;
        try {
            return ScoreCheck.maxRelativeDifference(scorer, segment.embeddings(), bytes, imported.names(), batch, seed);
        } catch (OrtException e) {
            throw new IllegalArgumentException(onnxFile + ": ONNX Runtime cannot run the graph as a scorer ("
                    + imported.names() + "): " + e.getMessage(), e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
