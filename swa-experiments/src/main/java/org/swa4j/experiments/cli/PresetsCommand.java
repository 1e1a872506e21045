package org.swa4j.experiments.cli;

import java.util.concurrent.Callable;

import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code swa presets}: the built-in presets, or one preset's JSON to copy and edit. */
@Command(name = "presets", mixinStandardHelpOptions = true,
        description = "List the built-in presets; --show NAME prints one as JSON (save it, edit it, run it with --preset FILE.json).")
public final class PresetsCommand implements Callable<Integer> {

    @Option(names = "--show", paramLabel = "NAME", description = "print preset NAME as JSON")
    String show;

    @Override
    public Integer call() {
        if (show != null) {
            System.out.print(Presets.text(show));
            System.out.println();
            return 0;
        }
        System.out.printf("%-30s %-24s %-20s %6s %6s  %s%n", "preset", "dataset", "model", "B", "seeds", "description");
        for (String name : Presets.names()) {
            Preset p = Presets.load(name);
            System.out.printf("%-30s %-24s %-20s %6d %6d  %s%n", name, p.dataset(), p.model(), p.budgetEpochs(), p.seeds(),
                    p.description());
        }
        return 0;
    }
}
