package dev.arbor.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BaselineReportTest {

    @Test
    void printsOneRowPerBaselineOnTheBundledData() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        BaselineReport.Arguments arguments = BaselineReport.Arguments.parse(new String[] {
                EvaluatorTest.bundledMovieLens().toString(), "movielens", "--epochs", "1", "--hidden", "32",
                "--threads", "2", "--validation"});
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

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> BaselineReport.Arguments.parse(new String[] {"x"}));
        assertThrows(IllegalArgumentException.class,
                () -> BaselineReport.Arguments.parse(new String[] {"x", "nope"}));
        assertThrows(IllegalArgumentException.class,
                () -> BaselineReport.Arguments.parse(new String[] {"x", "csv", "--epochs"}));
        assertThrows(IllegalArgumentException.class,
                () -> BaselineReport.Arguments.parse(new String[] {"x", "csv", "--epochs", "many"}));
        assertThrows(IllegalArgumentException.class,
                () -> BaselineReport.Arguments.parse(new String[] {"x", "csv", "--colour", "red"}));
        assertEquals(7, BaselineReport.Arguments.parse(new String[] {"x", "csv", "--seed", "7"}).tower().seed());
    }
}
