package org.swa4j.experiments.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;
import org.swa4j.experiments.results.ResultsFormat;
import org.swa4j.experiments.runner.ExperimentRunner;
import org.swa4j.experiments.runner.RunOptions;
import org.swa4j.experiments.runner.Shard;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code swa run}: validate a preset, then train and evaluate its cells, then write the summary and report. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a preset: SGD, EMA, FGE and SWA over its seeds; writes run records, summary.csv, report.md/.html "
                + "and plots into --out. Every problem of the preset and options is listed before training starts.")
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--preset", defaultValue = "quick", paramLabel = "NAME|FILE",
            description = "built-in preset (see `swa presets`) or a preset JSON file (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--seeds", paramLabel = "N", description = "number of seeds, 1..N (default: the preset's)")
    Integer seeds;

    @Option(names = "--epochs", paramLabel = "B", description = "SGD budget in epochs (default: the preset's); swa.start scales with it")
    Integer epochs;

    @Option(names = "--out", paramLabel = "DIR", description = "results directory (default: results/<preset>)")
    Path out;

    @Option(names = "--data", paramLabel = "DIR", description = "data directory (default: $SWA4J_DATA, else ~/.swa4j/data)")
    Path data;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for ND4J (default: all cores)")
    Integer threads;

    @Option(names = "--shard", paramLabel = "i/n", defaultValue = "0/1",
            description = "run only the seeds s with (s - 1) mod n == i (0-based), every job of each, e.g. one shard per array task (default: ${DEFAULT-VALUE})")
    String shard;

    @Option(names = "--no-download", description = "never download missing data")
    boolean noDownload;

    @Option(names = "--layers", paramLabel = "NAME", description = "layer implementation (stock, native, ...; default: the preset's)")
    String layers;

    @Option(names = "--dry-run", description = "print the exact plan (learning rates, averaging epochs, FGE cycles and snapshots, "
            + "evaluations, work and estimated time) and train nothing")
    boolean dryRun;

    @Option(names = "--images-per-second", paramLabel = "R", description = "with --dry-run: training images/s to estimate with "
            + "(measure it on the target machine with `swa bench-train`); default: measured here with a few training steps")
    Double imagesPerSecond;

    @Override
    public Integer call() throws Exception {
        Preset p = Presets.load(preset);
        List<String> problems = new ArrayList<>();
        if (seeds != null) {
            if (seeds < 1) {
                problems.add("--seeds " + seeds + " must be >= 1");
            } else {
                p = p.withSeeds(seeds);
            }
        }
        if (epochs != null) {
            if (epochs < 1) {
                problems.add("--epochs " + epochs + ": the budget must be a positive number of epochs");
            } else {
                p = p.withBudget(epochs);
            }
        }
        if (layers != null) {
            p = p.withLayers(layers);
        }
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            problems.add("--threads " + t + " must be >= 1");
        }
        Shard s = null;
        try {
            s = Shard.parse(shard);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (dryRun) {
            problems.addAll(org.swa4j.experiments.preset.PresetValidator.staticProblems(p));
            if (imagesPerSecond != null && !(imagesPerSecond > 0)) {
                problems.add("--images-per-second " + imagesPerSecond + " must be > 0");
            }
            if (!problems.isEmpty()) {
                throw new org.swa4j.experiments.preset.PresetProblems(p.name() == null ? "?" : p.name(), problems);
            }
            System.out.print(DryRun.describe(p, imagesPerSecond, t));
            return 0;
        }
        Path dir = out != null ? out : Path.of("results", p.name());
        RunOptions options = new RunOptions(p, data == null ? null : data.toString(), !noDownload, t,
                s == null ? shard : s.toString(), commandLine(), ResultsFormat.CURRENT);
        ExperimentRunner.start(options, dir, problems);
        return 0;
    }

    private String commandLine() {
        StringBuilder sb = new StringBuilder("swa run --preset ").append(preset);
        if (seeds != null) {
            sb.append(" --seeds ").append(seeds);
        }
        if (epochs != null) {
            sb.append(" --epochs ").append(epochs);
        }
        if (out != null) {
            sb.append(" --out ").append(out);
        }
        if (data != null) {
            sb.append(" --data ").append(data);
        }
        if (threads != null) {
            sb.append(" --threads ").append(threads);
        }
        if (!shard.equals("0/1")) {
            sb.append(" --shard ").append(shard);
        }
        if (noDownload) {
            sb.append(" --no-download");
        }
        if (layers != null) {
            sb.append(" --layers ").append(layers);
        }
        return sb.toString();
    }
}
