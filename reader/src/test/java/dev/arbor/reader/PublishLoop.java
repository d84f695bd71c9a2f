package dev.arbor.reader;

import dev.arbor.format.ModelKind;
import dev.arbor.format.SegmentFormat;
import dev.arbor.format.TreeIndex;
import dev.arbor.synth.SyntheticIndex;
import dev.arbor.writer.SegmentWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Child-JVM writer for {@link CrashSafePublishTest}: publishes segments to {@code args[0]} until it is
 * killed. The content of generation {@code g} is {@link #content(long) content(g)}, so the parent can
 * recompute what any commit must hold; after each commit it prints {@code committed g}.
 */
final class PublishLoop {
    static final int ITEMS = 2000;

    private PublishLoop() {
    }

    static TreeIndex content(long generation) {
        return SyntheticIndex.generate(ITEMS, 4, ModelKind.MLP, generation);
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        System.out.println("ready");
        System.out.flush();
        while (true) {
            long generation = nextGeneration(dir);
            Path published = SegmentWriter.write(dir, content(generation));
            if (!published.getFileName().toString().equals(SegmentFormat.SEGMENT_DIR_PREFIX + generation)) {
                System.err.println("expected generation " + generation + ", the writer published " + published);
                System.exit(3);
            }
            System.out.println("committed " + generation);
            System.out.flush();
        }
    }

    /** The generation the writer will pick: one past the highest {@code seg-N}, committed or not. */
    static long nextGeneration(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches(SegmentFormat.SEGMENT_DIR_PREFIX + "\\d+"))
                    .mapToLong(n -> Long.parseLong(n.substring(SegmentFormat.SEGMENT_DIR_PREFIX.length())))
                    .max().orElse(0) + 1;
        }
    }
}
