package org.swa4j.experiments.shift;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.core.Swag;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.EpochIterator;
import org.swa4j.data.ImageDataset;
import org.swa4j.data.corrupt.CorruptedImages;
import org.swa4j.data.corrupt.Corruption;
import org.swa4j.data.sets.InMemoryImageDataset;
import org.swa4j.experiments.cli.CommandLines;
import org.swa4j.experiments.geometry.CsvTable;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.results.Checksums;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.ResultsLock;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.runner.ExperimentRunner;
import org.swa4j.experiments.runner.RunOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code swa shift DIR}: calibration under distribution shift (Ovadia et al., NeurIPS 2019) on a finished
 * results directory. For every chosen seed and method whose model files exist it evaluates accuracy, NLL and
 * ECE on the clean test set (severity 0) and on each {@link Corruption} at each severity ({@link ShiftSets}):
 * sgd, ema and swa their saved networks, fge the mean softmax of its saved snapshots, swag the Bayesian model
 * average of its saved SWAG state drawn as the run drew it, and multiswag the mean of its members' SWAG averages
 * ({@link ShiftEvaluator}, {@link SwagPosteriors}).
 * Writes {@code DIR/shift/}: {@code shift.csv} (one row per method, seed, corruption and severity),
 * {@code shift-summary.csv} ({@link ShiftSummary}), the figures ({@link ShiftCharts}) and {@code shift.md}
 * ({@link ShiftReport}), all into a fresh directory that replaces {@code shift/} only when complete. Each method's
 * seed is kept in {@code DIR/.shift-progress/} as it finishes ({@link ShiftProgress}), so that a stopped run, run
 * again with the same settings, evaluates only what is left; the directory is removed once {@code shift/} is written.
 *
 * <p>Refuses, before evaluating anything: a directory without {@code run.json}, an existing {@code shift/}
 * without {@code --force}, unknown methods or corruptions, severities outside 1..5, seeds the directory does
 * not have, a named method without model files for any chosen seed, a test limit outside [0, test size], and a
 * data set not held in memory. Holds the directory's lock while it runs.
 */
@Command(name = "shift", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Calibration under distribution shift on a finished results directory: accuracy, NLL and ECE of every "
                + "method on the clean test set and on Gaussian noise, Gaussian blur, rotation and contrast at five severities "
                + "(Ovadia et al. 2019; Hendrycks & Dietterich 2019). Writes DIR/shift/.")
public final class ShiftCommand implements Callable<Integer> {

    /** The methods {@code swa shift} evaluates, in report order. */
    public static final List<String> METHODS = List.of("sgd", "ema", "fge", "swa", "swag", "multiswag");

    @Parameters(paramLabel = "DIR", description = "a finished results directory (run.json, runs/, models/)")
    Path dir;

    @Option(names = "--seeds", split = ",", paramLabel = "K,...", description = "seeds to evaluate (default: every seed with a finished run)")
    List<Integer> seeds;

    @Option(names = "--methods", split = ",", paramLabel = "M,...",
            description = "any of sgd,ema,fge,swa,swag,multiswag (default: every method whose model files exist)")
    List<String> methods;

    @Option(names = "--corruptions", split = ",", paramLabel = "C,...",
            description = "any of gaussian_noise,gaussian_blur,rotation,contrast (default: all)")
    List<String> corruptions = Corruption.keys();

    @Option(names = "--severities", split = ",", paramLabel = "S,...", description = "severities 1..5 (default: all; 0, the clean set, is always evaluated)")
    List<Integer> severities = List.of(1, 2, 3, 4, 5);

    @Option(names = "--test-limit", paramLabel = "N",
            description = "evaluate a stratified subset of N test images, the first N/10 of each class as a preset's test_limit "
                    + "takes them (default: the run's test set; 0 = the whole test set)")
    Integer testLimit;

    @Option(names = "--samples", paramLabel = "S",
            description = "SWAG draws per seed, each with one BatchNorm update (default: the run's swag.samples, whose clean "
                    + "metrics are then the recorded ones)")
    Integer samples;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "directory holding the data sets (default: as the run)")
    Path dataDir;

    @Option(names = "--force", description = "replace an existing DIR/shift/ (without it, an existing one is never overwritten), "
            + "and discard a stopped run's evaluations of other settings in DIR/.shift-progress/ (the same settings are resumed)")
    boolean force;

    @Spec
    CommandSpec spec;

    private final PrintStream stdout;

    /** The command as a picocli subcommand, printing to standard output. */
    public ShiftCommand() {
        this(System.out);
    }

    ShiftCommand(PrintStream stdout) {
        this.stdout = stdout;
    }

    @Override
    public Integer call() throws Exception {
        List<Corruption> chosenCorruptions = corruptions.stream().distinct().map(Corruption::parse).sorted().toList();
        List<Integer> chosenSeverities = severities.stream().distinct().sorted().toList();
        chosenSeverities.forEach(s -> {
            if (s < 1 || s > Corruption.SEVERITIES) {
                throw new IllegalArgumentException("--severities " + s + " must be in 1.." + Corruption.SEVERITIES
                        + " (the clean test set, severity 0, is always evaluated)");
            }
        });
        if (methods != null) {
            for (String m : methods) {
                if (!METHODS.contains(m)) {
                    throw new IllegalArgumentException("--methods " + m + " is unknown; known: " + METHODS);
                }
            }
        }
        ResultsDirectory results = new ResultsDirectory(dir);
        if (!Files.isRegularFile(results.runOptions())) {
            throw new IllegalArgumentException(dir + " is not a results directory: " + results.runOptions() + " is missing");
        }
        Path out = dir.resolve(ShiftReport.DIRECTORY);
        if (Files.exists(out) && !force) {
            throw new IllegalArgumentException(out + " already exists and would be overwritten; nothing was changed. Pass --force "
                    + "to replace it, or move it away first");
        }
        RunOptions options = Json.read(results.runOptions(), RunOptions.class);
        Preset preset = options.preset();
        List<Integer> available = finishedSeeds(results);
        List<Integer> chosenSeeds = seeds == null ? available : seeds.stream().distinct().sorted().toList();
        for (int s : chosenSeeds) {
            if (!available.contains(s)) {
                throw new IllegalArgumentException("--seeds " + s + ": " + dir + " has no finished run of seed " + s
                        + "; finished seeds: " + available);
            }
        }
        if (chosenSeeds.isEmpty()) {
            throw new IllegalArgumentException(dir + " has no finished run under runs/");
        }
        if (samples != null && samples < 1) {
            throw new IllegalArgumentException("--samples " + samples + " must be >= 1");
        }
        int limit = testLimit != null ? testLimit : preset.testLimit() == null ? 0 : preset.testLimit();
        InMemoryImageDataset full = open(preset, options);
        SwagPosteriors posteriors = SwagPosteriors.of(results, preset, full, samples);
        Map<String, List<Integer>> plan = plan(results, posteriors, chosenSeeds);
        if (plan.isEmpty()) {
            throw new IllegalArgumentException(dir + " keeps no model files for seeds " + chosenSeeds + " (models/METHOD-seedK.zip, "
                    + "models/fge-seedK-snapshotN.zip, models/swag-seedK.bin)");
        }
        List<ShiftSet> sets = ShiftSets.of(full, limit, chosenCorruptions, chosenSeverities, CorruptedImages.SEED);
        Provenance provenance = Provenance.capture(Nd4j.getEnvironment().maxMasterThreads(), ExperimentRunner.backend(), "as saved in the models");
        String subset = limit == 0 ? "the whole test set" : "the stratified subset of " + limit + ", the first of each class in file order";
        ShiftProgress.Settings settings = new ShiftProgress.Settings(preset.dataset(), sets.get(0).size(), subset,
                chosenCorruptions.stream().map(Corruption::key).toList(), chosenSeverities,
                posteriors == null ? 0 : posteriors.samples(), posteriors == null ? 0 : posteriors.scale());
        try (ResultsLock lock = ResultsLock.acquire(dir, commandLine())) {
            ShiftProgress progress = ShiftProgress.open(dir, settings, force);
            stdout.printf(Locale.ROOT, "shift: %s on %d sets (clean + %d corruptions x %d severities) of %d test images; %s%n",
                    dir, sets.size(), chosenCorruptions.size(), chosenSeverities.size(), sets.get(0).size(), describe(plan));
            Evaluated evaluated = evaluate(results, posteriors, plan, new ShiftEvaluator(sets), progress, provenance);
            Path staging = dir.resolve(".shift-staging");
            ShiftProgress.deleteTree(staging);
            Files.createDirectories(staging);
            writeCsv(staging.resolve(ShiftReport.CSV), evaluated.rows());
            List<ShiftSummary.Row> summary = ShiftSummary.of(evaluated.rows());
            ShiftSummary.write(staging.resolve(ShiftReport.SUMMARY), summary);
            List<String> figures = ShiftCharts.write(staging, summary, List.copyOf(plan.keySet()),
                    chosenCorruptions.stream().map(Corruption::key).toList());
            ShiftReport.Run run = new ShiftReport.Run(preset.name(), preset.dataset(), preset.model(), sets.get(0).size(), subset,
                    chosenCorruptions, chosenSeverities, evaluated.descriptions(), commandLine(), evaluated.provenance(),
                    evaluated.seconds(), evaluated.passes(), evaluated.bnUpdates(), evaluated.resumed());
            AtomicFiles.writeString(staging.resolve(ShiftReport.MARKDOWN), ShiftReport.document(run, summary, figures));
            replace(staging, out);
            progress.delete();
            stdout.printf(Locale.ROOT, "wrote %s (%s, %s, %s, %d figures) in %.0f s of evaluation; swa report %s adds it to the report%n",
                    out, ShiftReport.CSV, ShiftReport.SUMMARY, ShiftReport.MARKDOWN, figures.size(), evaluated.seconds(), dir);
        }
        return 0;
    }

    /**
     * The rows, what each method's prediction was, the work done and its provenance: the evaluation seconds and work
     * summed over the pieces, the code of every process that evaluated one, the start of the first, and how many
     * pieces came from an earlier, stopped run.
     */
    record Evaluated(List<ShiftRow> rows, List<String> descriptions, double seconds, long passes, long bnUpdates,
            Provenance provenance, int resumed) {
    }

    private Evaluated evaluate(ResultsDirectory results, SwagPosteriors posteriors, Map<String, List<Integer>> plan,
            ShiftEvaluator evaluator, ShiftProgress progress, Provenance here) throws IOException {
        List<ShiftRow> rows = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        List<ShiftProgress.Piece> pieces = new ArrayList<>();
        Map<Path, String> shas = new HashMap<>();
        int resumed = 0;
        int sets = evaluator.sets().size();
        Map<Integer, List<INDArray>> swag = new HashMap<>();
        for (var entry : plan.entrySet()) {
            String method = entry.getKey();
            List<Integer> snapshotCounts = new ArrayList<>();
            for (int seed : entry.getValue()) {
                if (method.equals("fge")) {
                    snapshotCounts.add(results.fgeSnapshots(seed).size());
                }
                Map<String, String> inputs = inputs(results, posteriors, method, seed, shas);
                ShiftProgress.Piece piece = progress.piece(method, seed, inputs).orElse(null);
                if (piece != null) {
                    resumed++;
                    stdout.printf(Locale.ROOT, "%s seed %d: evaluated by an earlier run (%s), kept%n", method, seed, piece.endTime());
                } else {
                    String start = Instant.now().toString();
                    long t0 = System.nanoTime();
                    long[] work = new long[2];
                    List<PredictionMetrics> metrics = switch (method) {
                        case "fge" -> {
                            List<Path> snapshots = results.fgeSnapshots(seed);
                            work[0] += (long) snapshots.size() * sets;
                            yield evaluator.ensemble(snapshots);
                        }
                        case "swag" -> evaluator.metrics(swag(seed, posteriors, evaluator, swag, work, progress, shas));
                        case "multiswag" -> {
                            List<List<INDArray>> members = new ArrayList<>();
                            for (int k : posteriors.multiswagMembers(seed)) {
                                members.add(swag(k, posteriors, evaluator, swag, work, progress, shas));
                            }
                            yield evaluator.metrics(evaluator.mixture(members));
                        }
                        default -> {
                            work[0] += sets;
                            yield evaluator.network(results.model(method, seed));
                        }
                    };
                    List<ShiftRow> pieceRows = new ArrayList<>();
                    for (int d = 0; d < sets; d++) {
                        pieceRows.add(ShiftRow.of(method, seed, evaluator.sets().get(d), metrics.get(d)));
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    piece = new ShiftProgress.Piece(method, seed, inputs, pieceRows, seconds, work[0], work[1], here.gitCommit(),
                            start, Instant.now().toString());
                    progress.save(piece);
                    progress(method, seed, metrics, seconds);
                }
                pieces.add(piece);
                rows.addAll(piece.rows());
            }
            descriptions.add(describe(method, entry.getValue(), snapshotCounts, posteriors));
        }
        double seconds = pieces.stream().mapToDouble(ShiftProgress.Piece::seconds).sum();
        long passes = pieces.stream().mapToLong(ShiftProgress.Piece::passes).sum();
        long bnUpdates = pieces.stream().mapToLong(ShiftProgress.Piece::bnUpdates).sum();
        String first = pieces.stream().map(ShiftProgress.Piece::startTime).min(Comparator.naturalOrder()).orElse(here.startTime());
        String commits = String.join(" and ", pieces.stream().map(ShiftProgress.Piece::commit).distinct().toList());
        Provenance provenance = here.withCommit(commits.isEmpty() ? here.gitCommit() : commits).startedAt(first).finished();
        return new Evaluated(rows, descriptions, seconds, passes, bnUpdates, provenance, resumed);
    }

    /** The model files {@code method} reads for {@code seed}, relative to the results directory, with their SHA-256. */
    private static Map<String, String> inputs(ResultsDirectory results, SwagPosteriors posteriors, String method, int seed,
            Map<Path, String> shas) throws IOException {
        List<Path> files = switch (method) {
            case "fge" -> results.fgeSnapshots(seed);
            case "swag" -> List.of(results.swagState(seed));
            case "multiswag" -> posteriors.multiswagMembers(seed).stream().map(results::swagState).toList();
            default -> List.of(results.model(method, seed));
        };
        Map<String, String> out = new TreeMap<>();
        for (Path f : files) {
            out.put(results.root().relativize(f).toString(), sha256(f, shas));
        }
        return out;
    }

    /** The SHA-256 of {@code file}, read once per process (a SWAG state is read by SWAG and by M MultiSWAG pieces). */
    private static String sha256(Path file, Map<Path, String> shas) throws IOException {
        String sha = shas.get(file);
        if (sha == null) {
            sha = Checksums.sha256(file);
            shas.put(file, sha);
        }
        return sha;
    }

    /**
     * Seed {@code seed}'s SWAG average on every set: computed once per process and kept for MultiSWAG, and kept in
     * the progress directory for a resumed run, which reuses it while the SWAG state is unchanged.
     */
    private static List<INDArray> swag(int seed, SwagPosteriors posteriors, ShiftEvaluator evaluator, Map<Integer, List<INDArray>> done,
            long[] work, ShiftProgress progress, Map<Path, String> shas) throws IOException {
        List<INDArray> p = done.get(seed);
        if (p == null) {
            String stateSha = sha256(posteriors.state(seed), shas);
            p = progress.swag(seed, stateSha, evaluator.sets().size()).orElse(null);
            if (p == null) {
                Swag<ComputationGraph> state = posteriors.load(seed);
                EpochIterator batchNorm = posteriors.batchNormData(seed);
                SplittableRandom draws = posteriors.sampling(seed);
                p = evaluator.swag(state, draws, posteriors.scale(), posteriors.samples(), batchNorm);
                work[0] += (long) posteriors.samples() * evaluator.sets().size();
                work[1] += posteriors.samples();
                progress.saveSwag(seed, stateSha, p);
            }
            done.put(seed, p);
        }
        return p;
    }

    private static String describe(String method, List<Integer> seeds, List<Integer> snapshotCounts, SwagPosteriors posteriors) {
        String what = switch (method) {
            case "sgd" -> "the final SGD network (models/sgd-seedK.zip)";
            case "ema" -> "the EMA network as evaluated last, BatchNorm recomputed (models/ema-seedK.zip)";
            case "swa" -> "the SWA network at the largest budget, BatchNorm recomputed (models/swa-seedK.zip)";
            case "fge" -> "the mean softmax of the saved FGE snapshots (" + new TreeSet<>(snapshotCounts) + " per seed)";
            case "swag" -> String.format(Locale.ROOT, "the Bayesian model average of %d SWAG draws at scale %s from "
                    + "models/swag-seedK.bin, each BatchNorm-updated once and then predicting every set", posteriors.samples(),
                    posteriors.scale());
            case "multiswag" -> "the equal-weight mean of the SWAG averages of the seeds its record names (runs/multiswag-seedK.json; "
                    + "M = " + posteriors.multiswagSizes() + " models)";
            default -> method;
        };
        return method.toUpperCase(Locale.ROOT) + ", seeds " + seeds + ": " + what;
    }

    private void progress(String method, int seed, List<PredictionMetrics> metrics, double seconds) {
        PredictionMetrics clean = metrics.get(0);
        double shifted = metrics.stream().skip(1).mapToDouble(PredictionMetrics::accuracy).average().orElse(Double.NaN);
        stdout.printf(Locale.ROOT, "%s seed %d: clean %.2f%% nll %.4f ece %.2f%s (%.1f s)%n", method, seed, clean.accuracy(),
                clean.nll(), clean.ece(), metrics.size() > 1 ? String.format(Locale.ROOT, "; corrupted sets %.2f%% on average",
                        shifted) : "", seconds);
    }

    /** For each method to evaluate (in {@link #METHODS} order), the chosen seeds whose model files exist. */
    private Map<String, List<Integer>> plan(ResultsDirectory results, SwagPosteriors posteriors, List<Integer> chosenSeeds)
            throws IOException {
        Map<String, List<Integer>> plan = new LinkedHashMap<>();
        for (String m : METHODS) {
            if (methods != null && !methods.contains(m)) {
                continue;
            }
            List<Integer> with = new ArrayList<>();
            for (int s : chosenSeeds) {
                if (hasModels(results, posteriors, m, s)) {
                    with.add(s);
                }
            }
            if (with.isEmpty() && methods != null) {
                throw new IllegalArgumentException("--methods " + m + ": " + dir + " keeps no model files of " + m + " for seeds "
                        + chosenSeeds + " (expected " + expected(results, m, chosenSeeds.get(0)) + ")");
            }
            if (!with.isEmpty()) {
                plan.put(m, with);
            }
        }
        return plan;
    }

    private static boolean hasModels(ResultsDirectory results, SwagPosteriors posteriors, String method, int seed) throws IOException {
        return switch (method) {
            case "fge" -> !results.fgeSnapshots(seed).isEmpty();
            case "swag" -> posteriors != null && posteriors.hasSwag(seed);
            case "multiswag" -> posteriors != null && posteriors.hasMultiswag(seed);
            default -> Files.isRegularFile(results.model(method, seed));
        };
    }

    private static String expected(ResultsDirectory results, String method, int seed) {
        return switch (method) {
            case "fge" -> results.fgeSnapshot(seed, 1) + ", ...";
            case "swag" -> results.swagState(seed) + " and a finished " + results.record("swag", seed);
            case "multiswag" -> "a finished " + results.record("multiswag", seed) + " and the SWAG states of the seeds it names, "
                    + results.models().resolve("swag-seedK.bin");
            default -> results.model(method, seed).toString();
        };
    }

    private static String describe(Map<String, List<Integer>> plan) {
        List<String> parts = new ArrayList<>();
        plan.forEach((m, s) -> parts.add(m + " " + s.size() + (s.size() == 1 ? " seed" : " seeds")));
        return String.join(", ", parts);
    }

    private static List<Integer> finishedSeeds(ResultsDirectory results) throws IOException {
        return results.records().stream().filter(RunRecord::isFinished).map(RunRecord::seed).distinct().sorted().toList();
    }

    private InMemoryImageDataset open(Preset p, RunOptions options) {
        Path data = dataDir != null ? dataDir : options.dataDir() == null ? null : Path.of(options.dataDir());
        ImageDataset set = Datasets.open(p.dataset(), DataOptions.builder().dataDir(data).allowDownload(false)
                .trainLimit(p.trainLimit() == null ? 0 : p.trainLimit()).testLimit(0).normalisation(p.normalisationChoice())
                .workers(1).build());
        if (!(set instanceof InMemoryImageDataset full)) {
            throw new IllegalArgumentException("swa shift corrupts test sets held in memory (Fashion-MNIST, MNIST, CIFAR); "
                    + "data set '" + p.dataset() + "' is read from image files");
        }
        return full;
    }

    private String commandLine() {
        return CommandLines.invoked(spec, "shift");
    }

    private static void writeCsv(Path file, List<ShiftRow> rows) throws IOException {
        CsvTable t = new CsvTable("method", "seed", "corruption", "severity", "examples", "accuracy", "nll", "ece");
        for (ShiftRow r : rows) {
            t.add(r.method(), r.seed(), r.corruption(), r.severity(), r.examples(), r.accuracy(), r.nll(), r.ece());
        }
        t.write(file);
    }

    /** Moves the complete {@code staging} to {@code out}; an existing {@code out} (only with --force) is removed after. */
    private static void replace(Path staging, Path out) throws IOException {
        Path old = null;
        if (Files.exists(out)) {
            old = out.resolveSibling(".shift-replaced");
            ShiftProgress.deleteTree(old);
            Files.move(out, old);
        }
        Files.move(staging, out);
        if (old != null) {
            ShiftProgress.deleteTree(old);
        }
    }
}
