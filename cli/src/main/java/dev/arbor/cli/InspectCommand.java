package dev.arbor.cli;

import dev.arbor.format.FramedFile;
import dev.arbor.format.SegmentFormat;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.reader.TreeSegment;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", description = "Print counts, levels, dimensions, files, checksums and the open time of an index.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Index directory.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        IndexDirectory.Commit commit = IndexDirectory.readCommit(dir);
        if (IndexDirectory.kind(dir) == SegmentFormat.INDEX_KIND_PATH_LATTICE) {
            return inspectLattice(out, commit);
        }
        long t0 = System.nanoTime();
        try (TreeSegment s = IndexDirectory.openLatest(dir)) {
            long openNanos = System.nanoTime() - t0;
            var shape = s.shape();
            out.printf("index        %s%n", dir.toAbsolutePath());
            out.printf("commit       generation %d -> %s%n", commit.generation(), commit.segmentName());
            out.printf("segment id   %s%n", CliSupport.hex(commit.segmentId()));
            out.printf("kind         tree (format version %d)%n", SegmentFormat.VERSION_CURRENT);
            out.printf("items        %,d%n", s.itemCount());
            out.printf("tree         branching %d, %d levels, %,d leaves (%,d padding: spare leaves for add-items), %,d nodes%n", shape.branching(),
                    shape.levels(), shape.leafCount(), shape.leafCount() - s.itemCount(), shape.nodeCount());
            out.printf("model        %s%n", s.architecture());
            out.printf("             %,d naive multiply-adds per candidate%n", s.architecture().naiveMacsPerCandidate());
            out.printf("embeddings   %,d x %d float32%n", shape.nodeCount(), s.architecture().embeddingDim());
            out.printf("kernels      %s%n", s.scorer().kernels().name());
            printFiles(out, s.files(), s.fileLengths(), s.properties());
            out.printf("open time    %.3f ms (header, footer and structure checks; no payload read)%n", openNanos / 1e6);
        }
        return 0;
    }

    /** A path lattice (Deep Retrieval): K, D, J, the paths that hold items, the model, files and properties. */
    private int inspectLattice(java.io.PrintWriter out, IndexDirectory.Commit commit) throws java.io.IOException {
        long t0 = System.nanoTime();
        try (LatticeSegment s = IndexDirectory.openLatestLattice(dir)) {
            long openNanos = System.nanoTime() - t0;
            out.printf("index        %s%n", dir.toAbsolutePath());
            out.printf("commit       generation %d -> %s%n", commit.generation(), commit.segmentName());
            out.printf("segment id   %s%n", CliSupport.hex(commit.segmentId()));
            out.printf("kind         path lattice (format version %d)%n", SegmentFormat.VERSION_CURRENT);
            out.printf("items        %,d%n", s.itemCount());
            out.printf("lattice      K = %d codes x D = %d layers (%,d possible paths), J = %d paths per item%n", s.k(),
                    s.depth(), s.lattice().keySpace(), s.pathsPerItem());
            out.printf("model        %s%n", s.architecture());
            out.printf("embeddings   %,d x %d float32, twice (behaviour and rerank)%n", s.itemCount(),
                    s.architecture().embeddingDim());
            printFiles(out, s.files(), s.fileLengths(), s.properties());
            out.printf("open time    %.3f ms (header, footer and structure checks; no payload read)%n", openNanos / 1e6);
        }
        return 0;
    }

    private static void printFiles(java.io.PrintWriter out, FramedFile[] files, long[] lengths,
                                   java.util.Map<String, String> properties) {
        out.println("files");
        long total = 0;
        for (int i = 0; i < files.length; i++) {
            Path p = Path.of(files[i].resource());
            out.printf("  %-16s %12s  crc32 %08x  v%d%n", p.getFileName(), CliSupport.human(lengths[i]),
                    files[i].storedChecksum(), files[i].version());
            total += lengths[i];
        }
        long payload = 0;
        for (FramedFile f : files) {
            for (FramedFile.Section section : f.sections()) {
                payload += section.byteLength();
            }
        }
        out.printf("  %-16s %12s  (payload %,d bytes; framing, tables and alignment add %,d bytes: %.5fx)%n", "total",
                CliSupport.human(total), payload, total - payload, (double) total / payload);
        out.println("properties");
        properties.forEach((k, v) -> out.printf("  %-22s %s%n", k, v));
    }
}
