package org.swa4j.experiments;

import java.io.PrintStream;
import java.io.PrintWriter;

import org.swa4j.experiments.cli.BenchTrainCommand;
import org.swa4j.experiments.cli.MergeCommand;
import org.swa4j.experiments.cli.ModelsCommand;
import org.swa4j.experiments.cli.ParityCommand;
import org.swa4j.experiments.cli.PresetsCommand;
import org.swa4j.experiments.cli.ReportCommand;
import org.swa4j.experiments.cli.ResumeCommand;
import org.swa4j.experiments.cli.RunCommand;
import org.swa4j.experiments.cli.TraceCommand;
import org.swa4j.experiments.ensemble.EnsembleGapCommand;
import org.swa4j.experiments.geometry.GeometryCommand;
import org.swa4j.experiments.posthoc.AverageCommand;
import org.swa4j.experiments.posthoc.SwagCommand;
import org.swa4j.experiments.results.CorruptFileException;
import org.swa4j.experiments.results.ResultsLock;
import org.swa4j.experiments.results.WriteFailedException;
import org.swa4j.experiments.runner.RunInterruptedException;
import org.swa4j.experiments.shift.CorruptCommand;
import org.swa4j.experiments.shift.ShiftCommand;
import org.swa4j.experiments.train.StopRequest;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code swa} command-line tool ({@code bin/swa}); with no arguments it runs
 * {@code run --preset quick}, which is what {@code mvn -pl swa-experiments exec:java} does.
 *
 * <p>Every command is a picocli subcommand, and every refusal takes one path: an option picocli
 * cannot parse (unknown, missing, not a number) prints picocli's message and the command's usage, and
 * a command's {@link IllegalArgumentException} prints {@code swa: MESSAGE}, both with exit code 2.
 * A failed write or a damaged file exits 1, a directory held by another process
 * {@link ResultsLock.InUseException#EXIT_CODE}, a stopped run {@link RunInterruptedException#exitCode()}.
 */
@Command(name = "swa", mixinStandardHelpOptions = true, version = "swa4j 0.1.0-SNAPSHOT",
        description = "Stochastic Weight Averaging for the JVM: reproduce the comparison of SGD, EMA, FGE and SWA "
                + "(Izmailov et al., UAI 2018) on DL4J.",
        subcommands = {RunCommand.class, ResumeCommand.class, ReportCommand.class, PresetsCommand.class,
            ModelsCommand.class, MergeCommand.class, GeometryCommand.class, AverageCommand.class, BenchTrainCommand.class,
            ParityCommand.class, EnsembleGapCommand.class, ShiftCommand.class, CorruptCommand.class, SwagCommand.class, TraceCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        StopRequest.installSignalHandlers();
        System.exit(execute(args));
    }

    /** Runs the tool and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        return execute(CommandLine.defaultFactory(), null, args);
    }

    /**
     * Runs the tool with {@code subcommand} standing in for the subcommand of its class (a command
     * built with collaborators of a test's choosing), its usage help printed to {@code stdout}.
     */
    public static int executeWith(Object subcommand, PrintStream stdout, String... args) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls.isInstance(subcommand) ? cls.cast(subcommand) : defaults.create(cls);
            }
        };
        return execute(factory, stdout, args);
    }

    private static int execute(CommandLine.IFactory factory, PrintStream stdout, String[] args) {
        System.setProperty("java.awt.headless", "true");
        String[] effective = args.length == 0 ? new String[] {"run", "--preset", "quick"} : args;
        CommandLine cli = new CommandLine(new Main(), factory);
        if (stdout != null) {
            cli.setOut(new PrintWriter(stdout, true));
        }
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
