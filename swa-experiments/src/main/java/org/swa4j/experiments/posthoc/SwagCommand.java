package org.swa4j.experiments.posthoc;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.cli.CommandLines;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.PresetValidator;
import org.swa4j.experiments.report.ReportGenerator;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.ResultsLock;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.SwagProvenance;
import org.swa4j.experiments.runner.ExperimentRunner;
import org.swa4j.experiments.runner.JobContext;
import org.swa4j.experiments.runner.RunOptions;
import org.swa4j.experiments.swag.MultiSwag;
import org.swa4j.experiments.train.Networks;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code swa swag DIR}: SWAG and MultiSWAG for a finished results directory whose SWA runs kept their
 * snapshots ({@code "keep_snapshots": true}), e.g. a reproduction run without the swag method. For each
 * seed it replays the snapshots through {@code Swag.collect} in epoch order and evaluates the Bayesian
 * model average at each SWAG budget exactly as the runner's SWAG does ({@link SwagReplay}), writing the
 * same files ({@code runs/swag-seedK.json}, {@code models/swag-seedK.bin}, {@code models/swag-seedK-probs.bin});
 * then the MultiSWAG record of every seed whose members are done ({@link MultiSwag}), and the report.
 * Settings default to the preset's {@code swag} block (else its defaults) and are recorded in the records
 * with the command and the machine.
 *
 * <p>A seed that already has a finished SWAG record of the same settings is kept (so the command only
 * forms MultiSWAG after a merge of shards); one of other settings is refused unless {@code --force}. Refused
 * before anything is computed, by value: a directory without {@code run.json} or without an SWA run,
 * settings out of range (as the preset's), seeds without a finished SWA record, and missing or damaged
 * snapshots (every one listed).
 */
@Command(name = "swag", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"SWAG and MultiSWAG for a finished results directory whose SWA runs kept their snapshots "
                + "(swa.keep_snapshots): replays models/swa-seedK-snapshots/epoch-E.zip in epoch order through Swag.collect and "
                + "evaluates the Bayesian model average at each SWAG budget as the swag method does, writing runs/swag-seedK.json, "
                + "models/swag-seedK.bin, models/swag-seedK-probs.bin, then runs/multiswag-seedK.json (the mean of the SWAG "
                + "averages of seeds k..k+M-1, cyclic) and the report.",
            "Cost per seed and budget: S x (one BatchNorm-update pass over the training set + one pass over the test set)."})
public final class SwagCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "a finished results directory (run.json, runs/, models/swa-seedK-snapshots/)")
    Path dir;

    @Option(names = "--seeds", split = ",", paramLabel = "K,...",
            description = "seeds to compute SWAG for (default: every seed with a finished SWA run)")
    List<Integer> seeds;

    @Option(names = "--rank", paramLabel = "K", description = "deviations kept, 0 = SWAG-Diagonal (default: the preset's swag.rank, else 20)")
    Integer rank;

    @Option(names = "--scale", paramLabel = "X", description = "sample scale, 0.5 draws from N(mean, Sigma) (default: the preset's, else 0.5)")
    Double scale;

    @Option(names = "--samples", paramLabel = "S", description = "networks drawn per model average (default: the preset's, else 30)")
    Integer samples;

    @Option(names = "--multiswag-models", paramLabel = "M",
            description = "SWAG models per MultiSWAG result, 2..seeds (default: the preset's, else 3)")
    Integer multiswagModels;

    @Option(names = "--budgets", split = ",", paramLabel = "B,...",
            description = "budgets to evaluate, each one of swa.budgets (default: the preset's swag.budgets, else the largest)")
    List<Double> budgets;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "directory holding the data sets (default: as the run)")
    Path dataDir;

    @Option(names = "--threads", paramLabel = "N", description = "threads for ND4J (default: the run's)")
    Integer threads;

    @Option(names = "--force", description = "replace SWAG records made with other settings")
    boolean force;

    @Spec
    CommandSpec spec;

    private final PrintStream stdout;

    /** The command as a picocli subcommand, printing to standard output. */
    public SwagCommand() {
        this(System.out);
    }

    SwagCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    @Override
    public Integer call() throws Exception {
        ResultsDirectory results = new ResultsDirectory(dir);
        if (!Files.isRegularFile(results.runOptions())) {
            throw new IllegalArgumentException(dir + " is not a results directory: " + results.runOptions() + " is missing");
        }
        RunOptions options = Json.read(results.runOptions(), RunOptions.class);
        Preset p = options.preset();
        if (!p.methods().contains("swa") || p.swa() == null) {
            throw new IllegalArgumentException(dir + " ran methods " + p.methods() + ": SWAG replays the SWA run, which it has not");
        }
        Preset.SwagOptions base = p.swagOptions();
        Preset.SwagOptions asked = new Preset.SwagOptions(rank != null ? rank : base.rank(), scale != null ? scale : base.scale(),
                samples != null ? samples : base.samples(), multiswagModels != null ? multiswagModels : base.multiswagModels(),
                budgets != null ? budgets : base.budgets());
        // MultiSWAG when asked for (the option, or the preset's methods), else when the run has the M seeds it mixes
        boolean multiswag = multiswagModels != null || p.methods().contains("multiswag") || p.seeds() >= asked.multiswagModels();
        List<String> problems = PresetValidator.swagProblems(p, asked, multiswag, SwagCommand::option);
        if (threads != null && threads < 1) {
            problems.add("--threads = " + threads + "; must be >= 1");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        Preset.SwagOptions settings = SwagProvenance.resolved(p, asked);
        List<RunRecord> todo = plan(results, p, settings);
        int n = threads != null ? threads : options.threads();
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
        String command = commandLine();
        try (ResultsLock lock = ResultsLock.acquire(dir, command)) {
            Provenance provenance = Provenance.capture(n, ExperimentRunner.backend(), Networks.layerFactoryName(p));
            if (!todo.isEmpty()) {
                ImageDataset data = JobContext.openData(options, dataDir == null ? null : dataDir.toString());
                stdout.printf(Locale.ROOT, "swag: %s, rank %d, scale %s, %d samples, budgets %s; replaying the SWA snapshots of seeds %s%n",
                        dir, settings.rank(), settings.scale(), settings.samples(), settings.budgets(),
                        todo.stream().map(RunRecord::seed).toList());
                for (RunRecord swa : todo) {
                    long t0 = System.nanoTime();
                    RunRecord r = SwagReplay.run(results, p, settings, swa, data, provenance, command, stdout::println);
                    stdout.printf(Locale.ROOT, "seed %d: %s (%.0f s)%n", r.seed(), describe(r), (System.nanoTime() - t0) / 1e9);
                }
            }
            if (multiswag) {
                MultiSwag.writeAvailable(results, p, settings, provenance.finished(), command).forEach(stdout::println);
            } else {
                stdout.println("multiswag: not computed: the run has " + p.seeds() + (p.seeds() == 1 ? " seed" : " seeds")
                        + ", fewer than the M = " + asked.multiswagModels() + " SWAG models it mixes (set --multiswag-models)");
            }
            ReportGenerator.regenerate(results);
            stdout.printf("wrote %s and the report %s%n", results.runs(), results.reportMarkdown());
        }
        return 0;
    }

    /**
     * The SWA records of the seeds to replay: the chosen seeds (default: all with a finished or diverged SWA
     * run) without a finished SWAG record of {@code settings}; refuses seeds without an SWA record, SWAG
     * records of other settings without {@code --force}, and missing snapshots, all at once.
     */
    private List<RunRecord> plan(ResultsDirectory results, Preset p, Preset.SwagOptions settings) throws java.io.IOException {
        List<Integer> chosen = seeds;
        if (chosen == null) {
            chosen = results.records().stream().filter(r -> r.method().equals("swa") && (r.isFinished() || r.isDiverged()))
                    .map(RunRecord::seed).toList();
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException(dir + " has no finished SWA run (runs/swa-seedK.json)");
            }
        }
        List<String> problems = new ArrayList<>();
        boolean snapshotsMissing = false;
        List<RunRecord> todo = new ArrayList<>();
        for (int seed : chosen.stream().distinct().sorted().toList()) {
            Path f = results.record("swa", seed);
            RunRecord swa = Files.isRegularFile(f) ? Json.read(f, RunRecord.class) : null;
            if (swa == null || !(swa.isFinished() || swa.isDiverged())) {
                problems.add("--seeds " + seed + ": " + f + (swa == null ? " is missing" : " is " + swa.status()) + "; SWAG needs a finished SWA run");
                continue;
            }
            Path g = results.record("swag", seed);
            RunRecord old = Files.isRegularFile(g) ? Json.read(g, RunRecord.class) : null;
            if (old != null && (old.isFinished() || old.isDiverged()) && old.swag() != null && settings.equals(old.swag().settings())
                    && !force) {
                stdout.printf("seed %d: kept %s (the same settings)%n", seed, g);
                continue;
            }
            if (old != null && (old.isFinished() || old.isDiverged()) && !force) {
                problems.add(g + " holds SWAG made with " + (old.swag() == null ? "unrecorded settings" : old.swag().settings())
                        + ", not " + settings + "; pass --force to replace it");
                continue;
            }
            List<String> missing = swa.isFinished() ? SwagReplay.missing(results, p, settings, seed) : List.of();
            problems.addAll(missing);
            snapshotsMissing |= !missing.isEmpty();
            todo.add(swa);
        }
        if (snapshotsMissing) {
            problems.add("the SWA runs keep the networks they average only with \"keep_snapshots\": true in the preset's swa section");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("nothing computed:\n  - " + String.join("\n  - ", problems));
        }
        return todo;
    }

    /** The option that sets the {@code swag} block's key {@code field}. */
    private static String option(String field) {
        return "--" + field.replace('_', '-');
    }

    private static String describe(RunRecord r) {
        if (r.isDiverged()) {
            return "the SWA run diverged in epoch " + r.divergedEpoch() + ": SWAG recorded as diverged";
        }
        return r.results().stream().map(b -> String.format(Locale.ROOT, "%.2f%% nll %.4f ece %.2f at budget %s", b.accuracy(), b.nll(),
                b.ece(), b.budget())).reduce((a, b) -> a + ", " + b).orElse("no result");
    }

    private String commandLine() {
        return CommandLines.invoked(spec, "swag");
    }
}
