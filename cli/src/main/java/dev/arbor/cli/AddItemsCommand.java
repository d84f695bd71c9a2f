package dev.arbor.cli;

import dev.arbor.jobs.AddItemsJob;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "add-items", description = {"Put new items into the spare leaves of the live tree, each beside the"
        + " leaves nearest its embedding or its category's centroid, and publish a new generation; the tree, model and"
        + " other items stay as they are.",
        "FILE is CSV, one item per line: id,category[,embedding] with the category empty or the embedding left out"
        + " (not both); the embedding is the item's vector in the index's leaf-embedding space, numbers separated by"
        + " spaces."})
final class AddItemsCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Index directory.")
    Path dir;

    @Option(names = "--items", required = true, paramLabel = "FILE", description = "The new items (see above).")
    Path items;

    @Override
    public Integer call() throws Exception {
        AddItemsJob.Outcome outcome = AddItemsJob.run(dir, items, ConsoleProgress.onStderr());
        spec.commandLine().getOut().printf("added %,d items (%,d by embedding, %,d by category centroid): %s; %,d spare"
                + " leaves left%n", outcome.added(), outcome.byEmbedding(), outcome.byCategory(), outcome.segment(),
                outcome.spareLeft());
        return 0;
    }
}
