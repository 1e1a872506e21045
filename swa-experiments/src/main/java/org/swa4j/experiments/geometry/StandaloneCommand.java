package org.swa4j.experiments.geometry;

import java.io.PrintStream;
import java.io.PrintWriter;

import picocli.CommandLine;

/**
 * Runs a picocli command outside {@code Main} (the {@code swa geometry} and {@code swa average}
 * entry points): headless AWT for the plots, usage under {@code name}, output to {@code stdout},
 * and an {@link IllegalArgumentException} reported as {@code "name: message"} with exit code 2.
 */
public final class StandaloneCommand {

    private StandaloneCommand() {
    }

    /** Executes {@code command} with {@code args}; returns its exit code. */
    public static int execute(Object command, String name, String[] args, PrintStream stdout) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cli = new CommandLine(command);
        cli.setCommandName(name);
        cli.setOut(new PrintWriter(stdout, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println(name + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
