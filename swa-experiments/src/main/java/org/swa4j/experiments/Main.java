package org.swa4j.experiments;

import java.util.Arrays;

import org.swa4j.experiments.bench.TrainBenchmark;
import org.swa4j.experiments.cli.BenchTrainCommand;
import org.swa4j.experiments.cli.MergeCommand;
import org.swa4j.experiments.cli.ModelsCommand;
import org.swa4j.experiments.cli.PresetsCommand;
import org.swa4j.experiments.cli.ReportCommand;
import org.swa4j.experiments.cli.ResumeCommand;
import org.swa4j.experiments.cli.RunCommand;
import org.swa4j.experiments.ensemble.EnsembleGapCommand;
import org.swa4j.experiments.geometry.GeometryCommand;
import org.swa4j.experiments.posthoc.AverageCommand;
import org.swa4j.experiments.results.CorruptFileException;
import org.swa4j.experiments.results.ResultsLock;
import org.swa4j.experiments.results.WriteFailedException;
import org.swa4j.experiments.runner.RunInterruptedException;
import org.swa4j.experiments.train.StopRequest;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code swa} command-line tool ({@code bin/swa}); with no arguments it runs
 * {@code run --preset quick}, which is what {@code mvn -pl swa-experiments exec:java} does.
 *
 * <p>{@code bench-train}, {@code geometry} and {@code average} are handed, with their arguments
 * untouched, to their own {@code run(String[])}, which owns their option parsing and their error
 * messages ({@code swa geometry: ...}); they are listed here for {@code swa --help}.
 */
@Command(name = "swa", mixinStandardHelpOptions = true, version = "swa4j 0.1.0-SNAPSHOT",
        description = "Stochastic Weight Averaging for the JVM: reproduce the comparison of SGD, EMA, FGE and SWA "
                + "(Izmailov et al., UAI 2018) on DL4J.",
        subcommands = {RunCommand.class, ResumeCommand.class, ReportCommand.class, PresetsCommand.class,
            ModelsCommand.class, MergeCommand.class, GeometryCommand.class, AverageCommand.class, BenchTrainCommand.class,
            org.swa4j.experiments.cli.ParityCommand.class, EnsembleGapCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        StopRequest.installSignalHandlers();
        System.exit(execute(args));
    }

    /** Runs the tool and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        System.setProperty("java.awt.headless", "true");
        if (args.length > 0 && args[0].equals("bench-train")) {
            return TrainBenchmark.run(Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 0 && args[0].equals("geometry")) {
            return GeometryCommand.run(Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 0 && args[0].equals("average")) {
            return AverageCommand.run(Arrays.copyOfRange(args, 1, args.length));
        }
        String[] effective = args.length == 0 ? new String[] {"run", "--preset", "quick"} : args;
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("swa: " + e.getMessage());
                return 2;
            }
            if (e instanceof RunInterruptedException r) {
                commandLine.getErr().println("swa: " + r.getMessage());
                return r.exitCode();
            }
            if (e instanceof ResultsLock.InUseException) {
                commandLine.getErr().println("swa: " + e.getMessage());
                return ResultsLock.InUseException.EXIT_CODE;
            }
            if (e instanceof WriteFailedException || e instanceof CorruptFileException) {
                commandLine.getErr().println("swa: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli.execute(effective);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
