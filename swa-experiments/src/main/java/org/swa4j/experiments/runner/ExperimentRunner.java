package org.swa4j.experiments.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.PresetProblems;
import org.swa4j.experiments.preset.PresetValidator;
import org.swa4j.experiments.report.ReportGenerator;
import org.swa4j.experiments.results.Checksums;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.JsonDiff;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.ResultsFormat;
import org.swa4j.experiments.results.ResultsLock;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.Summary;
import org.swa4j.experiments.results.SummaryRow;
import org.swa4j.experiments.results.SwagProvenance;
import org.swa4j.experiments.results.WriteFailedException;
import org.swa4j.experiments.swag.MultiSwag;
import org.swa4j.experiments.train.Networks;
import org.swa4j.experiments.train.StopRequest;
import org.swa4j.models.layers.fast.Convolutions;
import org.swa4j.models.layers.fast.FusedLayerFactory;

/**
 * Runs a preset's cells (this shard's) into a results directory: validates everything first
 * (listing every problem at once), writes {@code run.json}, runs each unfinished cell (continuing
 * from its checkpoint if there is one), writes the MultiSWAG records of the seeds whose SWAG members are
 * all done ({@link MultiSwag}), then regenerates {@code summary.csv} and the report.
 * {@link #resume} does the same from a directory's {@code run.json}.
 *
 * <p>One process at a time writes a directory ({@link ResultsLock}). Results of another swa4j
 * results format or another configuration are refused with the difference named; a run with more
 * seeds than the directory's extends it (seed k's runs do not depend on the number of seeds). A stop request
 * (SIGTERM, SIGINT) or a failed write (a full disk) ends the run with {@link RunInterruptedException},
 * whose message says what is kept and how to continue.
 */
public final class ExperimentRunner {

    private ExperimentRunner() {
    }

    /**
     * Starts (or continues) {@code options} in {@code dir}. {@code earlyProblems} are option problems
     * found by the caller; they are reported together with the preset's.
     */
    public static List<SummaryRow> start(RunOptions options, Path dir, List<String> earlyProblems) throws IOException {
        Preset p = options.preset();
        List<String> problems = new ArrayList<>(earlyProblems);
        problems.addAll(PresetValidator.staticProblems(p));
        ResultsDirectory results = new ResultsDirectory(dir);
        problems.addAll(existingResultsProblems(options, results));
        ImageDataset data = null;
        if (problems.isEmpty()) {
            Environment env = new Environment(options);
            PresetValidator.Environment checks = env;
            String dataProblem = checks.dataProblem(p);
            if (dataProblem != null) {
                problems.add(dataProblem);
            } else {
                String modelProblem = checks.modelProblem(p);
                if (modelProblem != null) {
                    problems.add(modelProblem);
                }
                data = env.dataset();
            }
        }
        if (!problems.isEmpty()) {
            throw new PresetProblems(p.name() == null ? "?" : p.name(), problems);
        }
        Files.createDirectories(dir);
        try (ResultsLock lock = ResultsLock.acquire(dir, options.command())) {
            // checked again under the lock: another process may have started this directory meanwhile
            List<String> late = existingResultsProblems(options, results);
            if (!late.isEmpty()) {
                throw new PresetProblems(p.name() == null ? "?" : p.name(), late);
            }
            if (!Files.isRegularFile(results.runOptions())) {
                Json.write(results.runOptions(), options);
            } else if (options.preset().seeds() > Json.read(results.runOptions(), RunOptions.class).preset().seeds()) {
                Json.write(results.runOptions(), options); // the grid grows by seeds: the finished ones are kept
            }
            return runCells(options, results, data, lock.previousHolder());
        }
    }

    /**
     * Why the results already in {@code dir} cannot be continued with {@code options}: another results
     * format (an older or newer swa4j), another configuration of the preset, or records of another
     * configuration; each problem names the difference.
     */
    static List<String> existingResultsProblems(RunOptions options, ResultsDirectory results) throws IOException {
        List<String> problems = new ArrayList<>();
        Path dir = results.root();
        if (!Files.isRegularFile(results.runOptions())) {
            if (!results.records().isEmpty()) {
                problems.add(dir + " holds run records but no run.json: not a results directory this version can continue");
            }
            return problems;
        }
        RunOptions existing = Json.read(results.runOptions(), RunOptions.class);
        int format = ResultsFormat.of(existing.resultsFormat());
        if (format != ResultsFormat.CURRENT) {
            problems.add(dir + " was written by a swa4j with results format " + format + " (" + results.runOptions()
                    + "); this swa4j writes format " + ResultsFormat.CURRENT + ", whose numbers differ, so the two are never mixed: "
                    + "finish it with the swa4j that started it, or start again with another --out");
            return problems;
        }
        List<String> diff = JsonDiff.ofExperiments(existing.preset(), options.preset());
        if (!diff.isEmpty()) {
            problems.add(dir + " already holds results of another configuration of preset '" + existing.preset().name() + "' ("
                    + JsonDiff.experimentsSummary(existing.preset(), options.preset(), 8) + "; run.json first); use `swa resume " + dir
                    + "` to continue it, or another --out");
        }
        problems.addAll(results.configurationProblems(existing));
        return problems;
    }

    /** Continues the run in {@code dir} with the options it was started with. */
    public static List<SummaryRow> resume(Path dir) throws IOException {
        ResultsDirectory results = new ResultsDirectory(dir);
        if (!Files.isRegularFile(results.runOptions())) {
            throw new IllegalArgumentException(dir + " is not a results directory: " + results.runOptions() + " is missing");
        }
        RunOptions options = Json.read(results.runOptions(), RunOptions.class);
        return start(options, dir, List.of());
    }

    private static List<SummaryRow> runCells(RunOptions options, ResultsDirectory dir, ImageDataset data, String staleLock)
            throws IOException {
        Preset p = options.preset();
        Nd4j.getEnvironment().setMaxThreads(options.threads());
        Nd4j.factory().blas().setMaxThreads(options.threads());
        List<Cell> cells = Shard.parse(options.shard()).select(Cell.all(p));
        List<Cell> todo = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        long planned = 0;
        for (Cell c : cells) {
            if (!finished(dir, p, c)) {
                todo.add(c);
                planned += epochs(p, c);
            } else {
                String problem = damagedModel(dir, p, c);
                if (problem != null) {
                    damaged.add(c + ": " + problem + "; running the cell again (deterministic: the same results)");
                    todo.add(c);
                    planned += epochs(p, c);
                }
            }
        }
        try (ProgressLog log = new ProgressLog(dir.log(), planned)) {
            if (staleLock != null) {
                log.line("the lock of " + dir.root() + " was left by a process that ended without releasing it (" + staleLock
                        + "); taken over");
            }
            damaged.forEach(log::line);
            log.line("swa4j: preset " + p.name() + " (" + p.dataset() + ", " + p.model() + ", B = " + p.budgetEpochs()
                    + ", seeds " + p.seeds() + "), shard " + options.shard() + ": " + cells.size() + " cells, " + todo.size()
                    + " to run (" + planned + " epochs), threads " + options.threads() + ", results in " + dir.root());
            int k = 0;
            for (Cell c : todo) {
                k++;
                log.line("cell " + k + "/" + todo.size() + ": " + c);
                Provenance prov = Provenance.capture(options.threads(), backend(), Networks.layerFactoryName(p));
                JobContext ctx = new JobContext(p, c, data, dir, log, prov);
                try {
                    StopRequest.check(0, 0);
                    switch (c.job()) {
                        case "sgd" -> SgdJob.run(ctx);
                        case "fge" -> FgeJob.run(ctx);
                        case "swa" -> SwaJob.run(ctx);
                        default -> throw new IllegalStateException("unknown job " + c.job());
                    }
                } catch (StopRequest.Stopped s) {
                    String where = ctx.checkpoints().committedEpochs().stream().findFirst()
                            .map(e -> "the checkpoint after epoch " + e + " of " + c + " is complete")
                            .orElse(c + " had not finished an epoch");
                    String m = "stopped by " + s.signalName() + " during " + c + " (epoch " + (s.epoch() + 1) + " abandoned after "
                            + s.stepsDone() + " steps); " + where + ", and every finished cell is kept. Continue with: swa resume "
                            + dir.root();
                    log.line(m);
                    throw new RunInterruptedException(m, s.exitCode(), s);
                } catch (WriteFailedException w) {
                    String m = w.getMessage() + ". The results and checkpoints written before are intact; free space (or fix the "
                            + "cause), then continue with: swa resume " + dir.root();
                    log.line(m);
                    throw new RunInterruptedException(m, 1, w);
                }
            }
            if (p.methods().contains("multiswag")) {
                Provenance prov = Provenance.capture(options.threads(), backend(), Networks.layerFactoryName(p)).finished();
                MultiSwag.writeAvailable(dir, p, SwagProvenance.resolved(p, null), prov, null).forEach(log::line);
            }
            List<SummaryRow> rows = ReportGenerator.regenerate(dir);
            log.line("summary (" + dir.summary() + "):\n" + Summary.csv(rows).trim());
            log.line("report: " + dir.reportMarkdown());
            return rows;
        }
    }

    static boolean finished(ResultsDirectory dir, Preset p, Cell c) throws IOException {
        for (String m : c.methods(p)) {
            Path f = dir.record(m, c.seed());
            if (!Files.isRegularFile(f)) {
                return false;
            }
            RunRecord r = Json.read(f, RunRecord.class);
            if (!r.isFinished() && !r.isDiverged()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A finished cell's saved model (its methods' models and the SWA and FGE snapshots it keeps, as
     * {@link ResultsDirectory} names them) that fails its checksum, as a sentence, or null. Models
     * written without a checksum (older versions) are accepted as they are.
     */
    static String damagedModel(ResultsDirectory dir, Preset p, Cell c) throws IOException {
        List<String> methods = c.methods(p);
        List<Path> models = new ArrayList<>();
        for (String m : methods) {
            models.add(dir.model(m, c.seed()));
        }
        if (methods.contains("swa") && Files.isDirectory(dir.swaSnapshots(c.seed()))) {
            try (java.util.stream.Stream<Path> files = Files.walk(dir.swaSnapshots(c.seed()))) {
                files.filter(f -> f.toString().endsWith(".zip")).forEach(models::add);
            }
        }
        if (methods.contains("fge")) {
            models.addAll(dir.fgeSnapshots(c.seed()));
        }
        if (methods.contains("swag")) {
            models.add(dir.swagState(c.seed()));
            models.add(dir.swagProbabilities(c.seed()));
        }
        for (Path f : models.stream().sorted().toList()) {
            if (Files.isRegularFile(f) && Checksums.hasChecksum(f)) {
                String problem = Checksums.problem(f);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    static long epochs(Preset p, Cell c) {
        return switch (c.job()) {
            case "sgd" -> p.budgetEpochs();
            case "fge" -> p.fgeBudgetEpochs() - p.fgeStartEpoch();
            case "swa" -> p.swaEpochs();
            default -> 0;
        };
    }

    /** The ND4J backend and the settings that change its kernels, as the records' provenance names them. */
    public static String backend() {
        var env = Nd4j.getExecutioner().getEnvironmentInformation();
        return Nd4j.getBackend().getClass().getSimpleName() + " (BLAS " + env.getProperty("blas.vendor", "?") + ", "
                + System.getProperty("javacpp.platform.extension", "no platform extension") + "; float convolutions: "
                + Convolutions.engine() + "; fused-layer graphs: "
                + (new FusedLayerFactory().channelsLast() ? "channels last (NHWC)" : "NCHW") + kernelSettings() + ")";
    }

    /** The environment settings that change kernels, and so float rounding, when set. */
    static String kernelSettings() {
        StringBuilder sb = new StringBuilder();
        for (String k : new String[] {"ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}) {
            String v = System.getenv(k);
            if (v != null && !v.isBlank()) {
                sb.append("; ").append(k).append('=').append(v);
            }
        }
        return sb.toString();
    }
}
