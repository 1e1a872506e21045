package org.swa4j.experiments.geometry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.runner.JobContext;

/**
 * The models a finished results directory keeps for geometry, per seed K:
 * <pre>
 *   models/sgd-seedK.zip              the SGD solution as evaluated (its own BN statistics)
 *   models/swa-seedK.zip              the SWA solution at the largest budget, BN recomputed, as evaluated
 *   models/swa-seedK-snapshots/*.zip  the weights averaged into it, in name order (optional)
 *   runs/sgd-seedK.json, runs/swa-seedK.json   the run records with the recorded test accuracies
 * </pre>
 * Points on the line and elsewhere recompute BN on the same pass of the same stream as the run's
 * final SWA evaluation (seed {@link JobContext#batchNormSeed}, pass {@code swaEpochs - 1}), so that
 * at t = 1 the SWA error is reproduced exactly.
 * Rejects a directory without run records or without the two models of a requested seed, saying
 * which file is missing.
 */
public record FinishedRun(ResultsDirectory dir) {

    public Path sgdModel(int seed) {
        return dir.model("sgd", seed);
    }

    public Path swaModel(int seed) {
        return dir.model("swa", seed);
    }

    public Path snapshotDir(int seed) {
        return dir.swaSnapshots(seed);
    }

    /** The seeds that have a finished SGD and SWA record. */
    public List<Integer> seeds() throws IOException {
        List<RunRecord> records = dir.records();
        if (records.isEmpty()) {
            throw new IllegalArgumentException(dir.root() + " has no run records under runs/: not a results directory");
        }
        return records.stream().filter(r -> r.method().equals("sgd") && r.isFinished()).map(RunRecord::seed)
                .filter(seed -> records.stream().anyMatch(r -> r.method().equals("swa") && r.seed() == seed && r.isFinished()))
                .sorted().toList();
    }

    /** The preset the run was made with (from the SGD record of {@code seed}). */
    public Preset preset(int seed) throws IOException {
        return record("sgd", seed).preset();
    }

    /** The inputs of {@link GeometryAnalysis} for {@code seed}. */
    public GeometryAnalysis.Inputs inputs(int seed, List<Path> planePoints) throws IOException {
        for (Path p : List.of(sgdModel(seed), swaModel(seed))) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(p + " is missing: the run did not keep its final models");
            }
        }
        List<Path> snapshots = new ArrayList<>();
        if (Files.isDirectory(snapshotDir(seed))) {
            try (Stream<Path> files = Files.list(snapshotDir(seed))) {
                files.filter(f -> f.toString().endsWith(".zip")).sorted(Comparator.comparing(Path::toString)).forEach(snapshots::add);
            }
        }
        Double sgdError = error(record("sgd", seed), false);
        Double swaError = error(record("swa", seed), true);
        return new GeometryAnalysis.Inputs("seed" + seed, sgdModel(seed), swaModel(seed), snapshots, planePoints,
                sgdError, swaError);
    }

    private RunRecord record(String method, int seed) throws IOException {
        Path f = dir.record(method, seed);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException(f + " is missing");
        }
        return org.swa4j.experiments.results.Json.read(f, RunRecord.class);
    }

    /** 100 - the recorded accuracy at budget 1 (SGD) or at the largest budget (SWA). */
    private static Double error(RunRecord r, boolean largestBudget) {
        if (r.results() == null || r.results().isEmpty()) {
            return null;
        }
        Optional<BudgetResult> result = largestBudget
                ? r.results().stream().max(Comparator.comparingDouble(BudgetResult::budget))
                : r.results().stream().filter(b -> b.budget() == 1.0).findFirst();
        return result.map(b -> 100 - b.accuracy()).orElse(null);
    }
}
