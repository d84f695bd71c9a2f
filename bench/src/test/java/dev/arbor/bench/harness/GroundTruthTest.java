package dev.arbor.bench.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.bench.SyntheticFixture;
import dev.arbor.format.ModelKind;
import dev.arbor.reader.IndexDirectory;
import dev.arbor.reader.TreeSegment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The brute-force cache is reused only for the same segment, K and scorer arithmetic. */
class GroundTruthTest {

    @Test
    void cacheIsReusedUntilTheScorerFingerprintDiffers(@TempDir Path dir) throws Exception {
        SyntheticFixture fixture = SyntheticFixture.create(dir, 2000, 2, ModelKind.MLP, 3, 0);
        Path cache = dir.resolve("truth.bin");
        try (TreeSegment segment = IndexDirectory.openLatest(fixture.directory)) {
            StringWriter first = new StringWriter();
            long[][] computed = GroundTruth.of(segment, fixture.histories, 3, 10, 1, cache, new PrintWriter(first, true));
            assertTrue(first.toString().contains("brute force"), "first call computes: " + first);

            StringWriter second = new StringWriter();
            long[][] cached = GroundTruth.of(segment, fixture.histories, 3, 10, 1, cache, new PrintWriter(second, true));
            assertFalse(second.toString().contains("brute force"), "second call reads the cache: " + second);
            assertArrayEquals(computed, cached);

            // As if another scorer had written the file: flip a bit of the stored fingerprint.
            byte[] bytes = Files.readAllBytes(cache);
            int fingerprintAt = 4 + segment.files()[0].segmentId().length;
            bytes[fingerprintAt + 7] ^= 1;
            Files.write(cache, bytes);
            StringWriter third = new StringWriter();
            long[][] recomputed = GroundTruth.of(segment, fixture.histories, 3, 10, 1, cache, new PrintWriter(third, true));
            assertTrue(third.toString().contains("brute force"), "another scorer's answers are recomputed: " + third);
            assertArrayEquals(computed, recomputed);
        }
    }
}
