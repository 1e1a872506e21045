package org.swa4j.experiments.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Layout of a results directory:
 * <pre>
 *   run.json                 the options it was started with (RunOptions)
 *   runs/METHOD-seedK.json   one RunRecord per method and seed, rewritten atomically every epoch
 *   checkpoints/JOB-seedK/   the latest checkpoint of a job (deleted when it finishes, except FGE's start)
 *   summary.csv              one row per method and budget (Summary)
 *   report.md, report.html, plots/*.png
 *   swa.log                  the progress log
 *   models/*.zip             the networks evaluated last, each with its SHA-256 (FILE.sha256)
 *   models/swa-seedK-snapshots/, models/fge-seedK-snapshotN.zip   snapshots kept for geometry and ensemble-gap
 *   models/swag-seedK.bin, models/swag-seedK-probs.bin   SWAG's state and its model average's test probabilities
 *   geometry/, geometry.md   swa geometry's output and report section
 *   ensemble-gap/, ensemble-gap.md, parity.csv, parity.md   likewise for swa ensemble-gap and swa parity
 *   peer/                    the PyTorch peer's results directory, if put there; swa report compares with it
 *   .lock                    held by the one process writing the directory (ResultsLock)
 * </pre>
 */
public record ResultsDirectory(Path root) {

    private static final String FGE_SNAPSHOT = "fge-seed";

    public Path runOptions() {
        return root.resolve("run.json");
    }

    public Path runs() {
        return root.resolve("runs");
    }

    public Path record(String method, int seed) {
        return runs().resolve(RunRecord.fileName(method, seed));
    }

    public Path checkpoint(String job, int seed) {
        return root.resolve("checkpoints").resolve(job + "-seed" + seed);
    }

    public Path summary() {
        return root.resolve("summary.csv");
    }

    public Path log() {
        return root.resolve("swa.log");
    }

    /** {@code models/}: the networks evaluated last, and the snapshots runs keep. */
    public Path models() {
        return root.resolve("models");
    }

    /** {@code models/METHOD-seedK.zip}: the network of {@code method} (sgd, ema, swa) as evaluated last. */
    public Path model(String method, int seed) {
        return models().resolve(method + "-seed" + seed + ".zip");
    }

    /** {@code models/swa-seedK-snapshots/}: the networks averaged into SWA, kept with {@code "keep_snapshots": true}. */
    public Path swaSnapshots(int seed) {
        return models().resolve("swa-seed" + seed + "-snapshots");
    }

    /** {@code models/swa-seedK-snapshots/epoch-E.zip}: the network averaged into SWA after epoch E (1-based). */
    public Path swaSnapshot(int seed, int epoch) {
        return swaSnapshots(seed).resolve("epoch-" + epoch + ".zip");
    }

    /**
     * {@code models/swag-seedK.bin}: seed K's SWAG (mean, diagonal variance, deviations) as
     * {@code org.swa4j.core.Swag#save} writes it, after the last weights it collected, with its SHA-256.
     */
    public Path swagState(int seed) {
        return models().resolve("swag-seed" + seed + ".bin");
    }

    /**
     * {@code models/swag-seedK-probs.bin}: the test probabilities of seed K's SWAG model average at each
     * SWAG budget, with the test labels, with its SHA-256; MultiSWAG averages these files.
     */
    public Path swagProbabilities(int seed) {
        return models().resolve("swag-seed" + seed + "-probs.bin");
    }

    /**
     * {@code checkpoints/fge-start-seedK.zip}: the SGD network (with its updater state) that FGE starts
     * from, written by the sgd job when FGE shares its run and deleted when the fge job finishes.
     */
    public Path fgeStart(int seed) {
        return root.resolve("checkpoints").resolve("fge-start-seed" + seed + ".zip");
    }

    /** {@code models/fge-seedK-snapshotN.zip}: snapshot N of FGE's ensemble. */
    public Path fgeSnapshot(int seed, int n) {
        return models().resolve(FGE_SNAPSHOT + seed + "-snapshot" + n + ".zip");
    }

    /** The FGE snapshots of {@code seed} that are on disk, in the order of N. */
    public List<Path> fgeSnapshots(int seed) throws IOException {
        String prefix = FGE_SNAPSHOT + seed + "-snapshot";
        if (!Files.isDirectory(models())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(models())) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.toString().endsWith(".zip")
                            && f.getFileName().toString().substring(prefix.length()).replace(".zip", "").matches("[0-9]+"))
                    .sorted(Comparator.comparingInt(f -> Integer.parseInt(f.getFileName().toString()
                            .substring(prefix.length()).replace(".zip", ""))))
                    .toList();
        }
    }

    /** {@code plots/}: the report's figures. */
    public Path plots() {
        return root.resolve("plots");
    }

    public Path reportMarkdown() {
        return root.resolve("report.md");
    }

    public Path reportHtml() {
        return root.resolve("report.html");
    }

    /** {@code geometry/}: what {@code swa geometry} writes per seed. */
    public Path geometry() {
        return root.resolve("geometry");
    }

    /** {@code geometry.md}: the section {@code swa geometry} writes for the report. */
    public Path geometrySection() {
        return root.resolve("geometry.md");
    }

    /** {@code ensemble-gap/}: what {@code swa ensemble-gap} writes. */
    public Path ensembleGap() {
        return root.resolve("ensemble-gap");
    }

    /** {@code ensemble-gap.md}: the section {@code swa ensemble-gap} writes for the report. */
    public Path ensembleGapSection() {
        return root.resolve("ensemble-gap.md");
    }

    /** {@code parity}: the prefix of {@code parity.csv} and of the report's section {@code parity.md}. */
    public Path parity() {
        return root.resolve("parity");
    }

    /** {@code parity.md}: the PyTorch parity section of the report. */
    public Path paritySection() {
        return root.resolve("parity.md");
    }

    /** {@code parity.csv}: the parity comparison's table, one line per method, budget and metric. */
    public Path parityTable() {
        return root.resolve("parity.csv");
    }

    /** {@code peer/}: where {@code swa report} looks for the PyTorch peer's results directory. */
    public Path peer() {
        return root.resolve("peer");
    }

    /**
     * Every run record whose configuration is not the one in {@code options} (the directory's
     * {@code run.json}), each named with the fields that differ: such a record belongs to another
     * experiment and must not be summarised, resumed or merged with this one. The number of seeds
     * may differ ({@link JsonDiff#ofExperiments}).
     */
    public List<String> configurationProblems(org.swa4j.experiments.runner.RunOptions options) throws IOException {
        List<String> problems = new ArrayList<>();
        for (RunRecord r : records()) {
            List<String> diff = JsonDiff.ofExperiments(options.preset(), r.preset());
            if (!diff.isEmpty()) {
                problems.add(record(r.method(), r.seed()) + " was run with another configuration than " + runOptions() + ": "
                        + JsonDiff.experimentsSummary(options.preset(), r.preset(), 8));
            }
        }
        return problems;
    }

    /** All run records, sorted by method order then seed. */
    public List<RunRecord> records() throws IOException {
        List<RunRecord> out = new ArrayList<>();
        if (!Files.isDirectory(runs())) {
            return out;
        }
        try (Stream<Path> files = Files.list(runs())) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                out.add(Json.read(f, RunRecord.class));
            }
        }
        out.sort(Comparator.comparingInt((RunRecord r) -> Summary.methodOrder(r.method())).thenComparingInt(RunRecord::seed));
        return out;
    }
}
