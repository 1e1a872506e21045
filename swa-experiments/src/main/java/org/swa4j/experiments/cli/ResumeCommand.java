package org.swa4j.experiments.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.swa4j.experiments.runner.ExperimentRunner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code swa resume DIR}: continue an interrupted run from its last checkpoints. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Continue an interrupted run (even after kill -9) from its last per-epoch checkpoints, with the options "
                + "it was started with (DIR/run.json). Finished cells are kept; the result equals an uninterrupted run's.")
public final class ResumeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "results directory of the interrupted run")
    Path dir;

    @Override
    public Integer call() throws Exception {
        ExperimentRunner.resume(dir);
        return 0;
    }
}
