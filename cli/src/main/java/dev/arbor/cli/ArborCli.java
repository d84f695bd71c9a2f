package dev.arbor.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code arbor} command. */
// INHERIT gives every subcommand --help and --version too.
@Command(name = "arbor", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "arbor 0.1.0",
        description = "Tree-based deep retrieval: build, inspect and search Arbor segments.",
        subcommands = {QuickstartCommand.class, TrainCommand.class, EvalCommand.class, SynthCommand.class, InspectCommand.class,
                CheckCommand.class, SearchCommand.class, AddItemsCommand.class, ServeCommand.class, ExportOnnxCommand.class,
                ImportOnnxCommand.class, BenchCommand.class, CompareHnswCommand.class})
public final class ArborCli {

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line; returns the exit code (0 ok, 1 failure, 2 usage error). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new ArborCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("arbor " + commandLine.getCommandName() + ": error: " + describe(e));
            if (Boolean.getBoolean("arbor.debug")) {
                e.printStackTrace(commandLine.getErr());
            }
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    private static String describe(Throwable e) {
        if (e instanceof java.nio.file.NoSuchFileException n) {
            return n.getFile() + ": " + (n.getReason() == null ? "no such file or directory" : n.getReason());
        }
        if (e instanceof java.io.UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause());
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
