package dev.arbor.writer;

import static dev.arbor.format.SegmentFormat.*;

import dev.arbor.format.ElementType;
import dev.arbor.format.FramedFileWriter;
import dev.arbor.format.FramedFileWriter.Section;
import dev.arbor.format.InvertedPaths;
import dev.arbor.format.LatticeArchitecture;
import dev.arbor.format.LatticeIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files of a path-lattice segment (index kind 2, docs/FORMAT.md section 4); {@code items.arb} is the tree's. */
final class LatticeFiles {
    private LatticeFiles() {
    }

    /** Writes every file of {@code index} into {@code dir}, the meta file last. */
    static void write(Path dir, LatticeIndex index, byte[] segmentId) throws IOException {
        writePaths(dir.resolve(PATHS_FILE), index, segmentId);
        SegmentWriter.writeItems(dir.resolve(ITEMS_FILE), index.itemIds(), index.itemCategories(), index.categoryNames(),
                List.of(), segmentId);
        writeItemEmbeddings(dir.resolve(ITEM_EMBEDDINGS_FILE), index, segmentId);
        writeModel(dir.resolve(LATTICE_MODEL_FILE), index, segmentId);
        SegmentWriter.writeMeta(dir, INDEX_KIND_PATH_LATTICE, LATTICE_SEGMENT_FILES, index.metadata(),
                index.model().architecture().toString(), segmentId);
    }

    /** Fields {@code [K, D, J, N, P, E]}: the forward paths, then the inverted lists (P paths, E entries). */
    private static void writePaths(Path file, LatticeIndex index, byte[] segmentId) throws IOException {
        InvertedPaths inverted = InvertedPaths.of(index);
        int[] codes = index.itemPaths();
        try (FramedFileWriter w = new FramedFileWriter(file, CODEC_PATHS, VERSION_CURRENT, segmentId,
                new long[] {index.lattice().k(), index.lattice().depth(), index.pathsPerItem(), index.itemCount(),
                        inverted.pathCount(), inverted.items().length},
                List.of(new Section(PATHS_ITEM_CODES, ElementType.I32, codes.length),
                        new Section(PATHS_KEYS, ElementType.I64, inverted.pathCount()),
                        new Section(PATHS_STARTS, ElementType.I32, inverted.starts().length),
                        new Section(PATHS_ITEMS, ElementType.I32, inverted.items().length)))) {
            w.beginSection(0);
            w.writeInts(codes);
            w.beginSection(1);
            w.writeLongs(inverted.keys());
            w.beginSection(2);
            w.writeInts(inverted.starts());
            w.beginSection(3);
            w.writeInts(inverted.items());
            w.finish();
        }
    }

    /** Fields {@code [N, dim, encoding]}: the behaviour embeddings, then the reranker's item vectors. */
    private static void writeItemEmbeddings(Path file, LatticeIndex index, byte[] segmentId) throws IOException {
        float[] behaviour = index.itemEmbeddings(), rerank = index.rerankEmbeddings();
        try (FramedFileWriter w = new FramedFileWriter(file, CODEC_ITEM_EMBEDDINGS, VERSION_CURRENT, segmentId,
                new long[] {index.itemCount(), index.dim(), ENCODING_F32},
                List.of(new Section(ITEM_EMBEDDINGS_BEHAVIOUR, ElementType.F32, behaviour.length),
                        new Section(ITEM_EMBEDDINGS_RERANK, ElementType.F32, rerank.length)))) {
            w.beginSection(0);
            w.writeFloats(behaviour, 0, behaviour.length);
            w.beginSection(1);
            w.writeFloats(rerank, 0, rerank.length);
            w.finish();
        }
    }

    /** Fields {@code [dim, K, D, W, H, R, w_0.., h_0.., r_0..]}, then the tensors in their canonical order. */
    private static void writeModel(Path file, LatticeIndex index, byte[] segmentId) throws IOException {
        LatticeArchitecture arch = index.model().architecture();
        List<Long> fields = new ArrayList<>(List.of((long) arch.embeddingDim(), (long) arch.k(), (long) arch.depth(),
                (long) arch.windowCount(), (long) arch.layerHidden().length, (long) arch.rerankHidden().length));
        SegmentWriter.addAll(fields, arch.windowSizes());
        SegmentWriter.addAll(fields, arch.layerHidden());
        SegmentWriter.addAll(fields, arch.rerankHidden());
        SegmentWriter.writeTensors(file, CODEC_LATTICE_MODEL, fields, LATTICE_MODEL_FIRST_TENSOR, index.model().tensors(),
                segmentId);
    }
}
