package dev.arbor.cli;

import dev.arbor.jobs.TrainJob;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", description = "Train a TDM index on interaction data and publish it as a segment.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Mixin
    DataOptions dataOptions;
    @Mixin
    TrainOptions trainOptions;

    @Option(names = {"-o", "--out"}, required = true, description = "Index directory to publish into.")
    Path out;

    @Option(names = "--eval-beam", defaultValue = "0", description = "Evaluate every round on the test users with this beam (0 = no evaluation).")
    int evalBeam;

    @Option(names = "--baselines", description = "With --eval-beam: also fit Item-CF and the product DNN on the same split,"
            + " each with its defaults and tuned on the validation users.")
    boolean baselines;

    @Override
    public Integer call() throws Exception {
        TrainJob job = new TrainJob(dataOptions.data, dataOptions.resolveFormat(), dataOptions.readOptions(),
                dataOptions.splitOptions(), trainOptions.pipeline(), out, evalBeam, EvalCommand.DEFAULT_KS,
                trainOptions.validationK(), trainOptions.firstTree(), trainOptions.tuneSeconds());
        ConsoleProgress progress = ConsoleProgress.onStderr();
        TrainJob.Outcome outcome = job.run(progress);
        List<TrainJob.RoundResult> results = outcome.rounds();
        if (evalBeam > 0) {
            QualityPrinter printer = new QualityPrinter(spec.commandLine().getOut(), EvalCommand.DEFAULT_KS);
            for (TrainJob.RoundResult r : results) {
                printer.segment("TDM " + trainOptions.model + ", " + r.round().tree() + " tree", r.quality(), r.round().seconds());
            }
            if (baselines) {
                EvalCommand.baselines(printer, outcome.split(), EvalCommand.Baselines.ALL, progress);
            }
        }
        spec.commandLine().getOut().printf("published %s%n", results.get(results.size() - 1).segment());
        return 0;
    }
}
