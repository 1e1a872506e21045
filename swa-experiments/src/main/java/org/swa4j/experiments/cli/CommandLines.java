package org.swa4j.experiments.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** The command line a results file names as its provenance. */
public final class CommandLines {

    private CommandLines() {
    }

    /**
     * {@code swa NAME ARGS} as the user typed it: the arguments picocli parsed for subcommand {@code name}
     * ({@code spec} null, when the command was built outside picocli, gives {@code swa NAME}).
     */
    public static String invoked(CommandSpec spec, String name) {
        List<String> args = spec == null ? List.of() : spec.commandLine().getParseResult().originalArgs();
        // picocli gives a subcommand the whole command line, its own name included
        int own = args.indexOf(spec == null ? name : spec.name());
        List<String> rest = args.subList(own + 1, args.size());
        return rest.isEmpty() ? "swa " + name : "swa " + name + " " + String.join(" ", rest);
    }
}
