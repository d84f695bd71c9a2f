package dev.arbor.cli;

import dev.arbor.format.FramedFile;
import dev.arbor.format.SegmentFormat;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.LatticeSegment;
import dev.arbor.reader.TreeSegment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "check", description = "Verify every checksum and the structure of the live segment.")
final class CheckCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Index directory.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        if (IndexDirectory.kind(dir) == SegmentFormat.INDEX_KIND_PATH_LATTICE) {
            try (LatticeSegment s = IndexDirectory.openLatestLattice(dir)) {
                out.printf("structure    ok (%s, path lattice)%n", s.directory());
                s.checkIntegrity(timed(out));
            }
        } else {
            try (TreeSegment s = IndexDirectory.openLatest(dir)) {
                out.printf("structure    ok (%s)%n", s.directory());
                // Through the segment, which reads the files with sequential read-ahead for the pass.
                s.checkIntegrity(timed(out));
            }
        }
        out.printf("check passed in %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        return 0;
    }

    /** Prints each file as its check passes, with the time it took. */
    private static Consumer<FramedFile> timed(PrintWriter out) {
        long[] last = {System.nanoTime()};
        return f -> {
            long now = System.nanoTime();
            out.printf("  %-16s crc32 ok  %.1f ms%n", Path.of(f.resource()).getFileName(), (now - last[0]) / 1e6);
            last[0] = now;
        };
    }
}
