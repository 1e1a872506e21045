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
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.Summary;
import org.swa4j.experiments.results.SummaryRow;
import org.swa4j.experiments.train.Networks;
import org.swa4j.models.layers.fast.Convolutions;
import org.swa4j.models.layers.fast.FusedLayerFactory;

/**
 * Runs a preset's cells (this shard's) into a results directory: validates everything first
 * (listing every problem at once), writes {@code run.json}, runs each unfinished cell (continuing
 * from its checkpoint if there is one), then regenerates {@code summary.csv} and the report.
 * {@link #resume} does the same from a directory's {@code run.json}.
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
        if (Files.isRegularFile(results.runOptions())) {
            RunOptions existing = Json.read(results.runOptions(), RunOptions.class);
            if (!Json.mapper().valueToTree(existing.preset()).equals(Json.mapper().valueToTree(p))) {
                problems.add(dir + " already holds results of a different configuration of preset '" + existing.preset().name()
                        + "'; use `swa resume " + dir + "` to continue it, or another --out");
            }
        }
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
        if (!Files.isRegularFile(results.runOptions())) {
            Json.write(results.runOptions(), options);
        }
        return runCells(options, results, data);
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

    private static List<SummaryRow> runCells(RunOptions options, ResultsDirectory dir, ImageDataset data) throws IOException {
        Preset p = options.preset();
        Nd4j.getEnvironment().setMaxThreads(options.threads());
        Nd4j.factory().blas().setMaxThreads(options.threads());
        List<Cell> cells = Shard.parse(options.shard()).select(Cell.all(p));
        List<Cell> todo = new ArrayList<>();
        long planned = 0;
        for (Cell c : cells) {
            if (!finished(dir, p, c)) {
                todo.add(c);
                planned += epochs(p, c);
            }
        }
        try (ProgressLog log = new ProgressLog(dir.log(), planned)) {
            log.line("swa4j: preset " + p.name() + " (" + p.dataset() + ", " + p.model() + ", B = " + p.budgetEpochs()
                    + ", seeds " + p.seeds() + "), shard " + options.shard() + ": " + cells.size() + " cells, " + todo.size()
                    + " to run (" + planned + " epochs), threads " + options.threads() + ", results in " + dir.root());
            int k = 0;
            for (Cell c : todo) {
                k++;
                log.line("cell " + k + "/" + todo.size() + ": " + c);
                Provenance prov = Provenance.capture(options.threads(), backend(), Networks.layerFactoryName(p));
                JobContext ctx = new JobContext(p, c, data, dir, log, prov);
                switch (c.job()) {
                    case "sgd" -> SgdJob.run(ctx);
                    case "fge" -> FgeJob.run(ctx);
                    case "swa" -> SwaJob.run(ctx);
                    default -> throw new IllegalStateException("unknown job " + c.job());
                }
            }
            List<SummaryRow> rows = ReportGenerator.regenerate(dir);
            log.line("summary (" + dir.summary() + "):\n" + Summary.csv(rows).trim());
            log.line("report: " + dir.root().resolve("report.md"));
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

    static long epochs(Preset p, Cell c) {
        return switch (c.job()) {
            case "sgd" -> p.budgetEpochs();
            case "fge" -> p.budgetEpochs() - p.fgeStartEpoch();
            case "swa" -> p.swaEpochs();
            default -> 0;
        };
    }

    static String backend() {
        var env = Nd4j.getExecutioner().getEnvironmentInformation();
        return Nd4j.getBackend().getClass().getSimpleName() + " (BLAS " + env.getProperty("blas.vendor", "?") + ", "
                + System.getProperty("javacpp.platform.extension", "no platform extension") + "; float convolutions: "
                + Convolutions.engine() + "; fused-layer graphs: "
                + (new FusedLayerFactory().channelsLast() ? "channels last (NHWC)" : "NCHW") + ")";
    }
}
