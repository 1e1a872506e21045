package org.swa4j.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

class CommandLinesTest {

    @Command(name = "swa", subcommands = Sub.class)
    static final class Top implements Runnable {
        @Override
        public void run() {
        }
    }

    @Command(name = "gap")
    static final class Sub implements Runnable {
        static final List<String> SEEN = new ArrayList<>();

        @Parameters(arity = "0..1")
        String dir;

        @Option(names = "--lr-scales", split = ",")
        List<Double> scales;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            SEEN.add(CommandLines.invoked(spec, "gap"));
        }
    }

    @Test
    void theSubcommandsArgumentsAreKeptAsTyped() {
        Sub.SEEN.clear();
        new CommandLine(new Top()).execute("gap", "runs/x", "--lr-scales", "0.25,0.5");
        new CommandLine(new Top()).execute("gap", "--lr-scales=1,2", "runs/y");
        new CommandLine(new Top()).execute("gap");
        assertEquals(List.of("swa gap runs/x --lr-scales 0.25,0.5", "swa gap --lr-scales=1,2 runs/y", "swa gap"), Sub.SEEN);
    }

    @Test
    void withoutPicocliOnlyTheNameIsKnown() {
        assertEquals("swa ensemble-gap", CommandLines.invoked(null, "ensemble-gap"));
    }
}
