package dev.arbor.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.dataset.DataFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BaselineReportTest {

    @Test
    void printsOneRowPerBaselineOnTheBundledData() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        BaselineReport.Arguments arguments = new BaselineReport.Arguments(EvaluatorTest.bundledMovieLens(),
                DataFormat.MOVIELENS, 1, ItemCf.DEFAULT_NEIGHBOURS,
                TwoTowerOptions.DEFAULTS.withEpochs(1).withHidden(32).withThreads(2).withSeed(1), true, false);
        BaselineReport.run(arguments, new PrintStream(buffer, true, StandardCharsets.UTF_8));

        String[] lines = buffer.toString(StandardCharsets.UTF_8).split("\n");
        String[] rows = Arrays.stream(lines).filter(l -> l.startsWith("| ")).toArray(String[]::new);
        assertEquals(4, rows.length, String.join("\n", lines));
        assertTrue(rows[0].startsWith("| model | fit | eval | P@10 |"), rows[0]);
        assertTrue(rows[1].startsWith("| Popularity |"), rows[1]);
        assertTrue(rows[2].startsWith("| Item-CF (200 neighbours) |"), rows[2]);
        assertTrue(rows[3].startsWith("| Product DNN (dim 24, hidden 32, 1 epochs) |"), rows[3]);
        assertTrue(lines[1].contains("validation users"), lines[1]);
    }
}
