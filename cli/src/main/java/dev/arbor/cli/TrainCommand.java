package dev.arbor.cli;

import dev.arbor.jobs.LatticeTrainJob;
import dev.arbor.jobs.TrainJob;
import dev.arbor.latticetrain.LatticeRounds;
import java.io.PrintWriter;
import java.util.Locale;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", description = "Train a TDM-family tree or a Deep Retrieval path lattice on interaction data"
        + " and publish it as a segment.")
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
        if (trainOptions.deepRetrieval()) {
            return trainLattice();
        }
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

    /** {@code --algorithm dr}: EM rounds of Deep Retrieval, each round's lattice published and, with --eval-beam, measured. */
    private int trainLattice() throws Exception {
        if (baselines && evalBeam > 0) {
            throw new IllegalArgumentException("--baselines goes with the tree algorithms; run arbor eval --baselines on"
                    + " the same split for them");
        }
        LatticeTrainJob job = new LatticeTrainJob(dataOptions.data, dataOptions.resolveFormat(), dataOptions.readOptions(),
                dataOptions.splitOptions(), trainOptions.latticePipeline(), out, evalBeam, EvalCommand.DEFAULT_KS,
                trainOptions.validationK());
        ConsoleProgress progress = ConsoleProgress.onStderr();
        List<LatticeTrainJob.RoundResult> results = job.run(progress).rounds();
        PrintWriter out = spec.commandLine().getOut();
        if (evalBeam > 0) {
            QualityPrinter printer = new QualityPrinter(out, EvalCommand.DEFAULT_KS);
            int maxK = EvalCommand.DEFAULT_KS[EvalCommand.DEFAULT_KS.length - 1];
            for (LatticeTrainJob.RoundResult r : results) {
                var shape = r.round().index().lattice();
                printer.segment(String.format(Locale.ROOT, "DR K=%d D=%d J=%d, round %d", shape.k(), shape.depth(),
                        r.round().index().pathsPerItem(), results.indexOf(r) + 1), "rerank brute force", r.quality(),
                        r.round().seconds());
            }
            for (LatticeTrainJob.RoundResult r : results) {
                out.printf(Locale.ROOT, "round %d: R@%d of DR / rerank brute force = %.3f; %.1f candidates per test user;"
                        + " paths: %s%n", results.indexOf(r) + 1, maxK, r.quality().beam().recall(maxK)
                        / r.quality().bruteForce().recall(maxK), r.meanCandidates(),
                        LatticeRounds.describe(r.round().sizes()));
            }
        }
        out.printf("published %s%n", results.get(results.size() - 1).segment());
        return 0;
    }
}
