package dev.arbor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's {@code --help} prints its usage and nothing else. picocli reports problems in option
 * descriptions (a bare {@code %} is a format specifier to it) as "[picocli WARN]" lines on {@link System#err},
 * outside the writers the CLI hands it, so the test captures the process's stderr too.
 */
class HelpTest {

    @Test
    void everyCommandsHelpPrintsNoWarning() {
        List<String> commands = new ArrayList<>();
        commands.add("");
        commands.addAll(new CommandLine(new ArborCli()).getSubcommands().keySet());
        assertTrue(commands.size() >= 10, "the top-level command and every subcommand: " + commands);
        for (String command : commands) {
            String[] args = command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"};
            CliTest.Captured captured = CliTest.arborCapturingStderr(args);
            CliTest.Run run = captured.run();
            String label = "arbor " + String.join(" ", args);
            assertEquals(0, run.code(), label + ": " + run.err());
            assertTrue(run.out().startsWith("Usage: arbor"), label + " printed no usage: " + run.out());
            assertEquals("", run.err(), label + " wrote to the error stream");
            assertEquals("", captured.stderr(), label + " printed to stderr");
            assertFalse(run.out().contains("%n") || run.out().contains("WARN"), label + ": " + run.out());
        }
    }
}
