package org.swa4j.experiments.posthoc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.swa4j.core.AveragingListener;
import org.swa4j.core.Swag;
import org.swa4j.data.EpochIterator;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.Checksums;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.Summary;
import org.swa4j.experiments.results.SwagProvenance;
import org.swa4j.experiments.runner.Cell;
import org.swa4j.experiments.runner.JobContext;
import org.swa4j.experiments.runner.Schedules;
import org.swa4j.experiments.swag.SwagEvaluation;
import org.swa4j.experiments.train.RunSeeds;

/**
 * One seed's SWAG from a finished SWA run's kept snapshots ({@code models/swa-seedK-snapshots/epoch-E.zip},
 * written with {@code swa.keep_snapshots}): the snapshot of every epoch E at which SWA averaged
 * ({@link Schedules#swaAveraging}, the trigger the run used) up to the largest SWAG budget, read in epoch
 * order and collected into a {@link Swag}, and at each SWAG budget the evaluation the runner's SWAG makes
 * ({@link SwagEvaluation}: the same draws, BatchNorm passes, test batches and files). The snapshots hold
 * the weights the run averaged, bit for bit, so the record equals the one the run would have written with
 * {@code swag} among its methods, wall-clock seconds aside: its per-epoch rows take the SWA record's
 * training columns, and its test columns are filled at the budgets.
 */
final class SwagReplay {

    private SwagReplay() {
    }

    /** The epochs (1-based) whose snapshots SWAG of {@code settings} needs: SWA's averaging epochs up to the largest budget. */
    static List<Integer> epochs(Preset p, Preset.SwagOptions settings) {
        AveragingListener.Trigger trigger = Schedules.swaAveraging(p);
        int last = p.epochsAt(settings.budgets().get(settings.budgets().size() - 1));
        List<Integer> out = new ArrayList<>();
        for (int e = 0; e < last; e++) {
            if (trigger.afterEpoch(e)) {
                out.add(e + 1);
            }
        }
        return out;
    }

    /** The snapshot files of {@code seed} that {@link #epochs} names and that are missing or fail their checksum. */
    static List<String> missing(ResultsDirectory dir, Preset p, Preset.SwagOptions settings, int seed) throws IOException {
        List<String> out = new ArrayList<>();
        for (int e : epochs(p, settings)) {
            Path f = dir.swaSnapshot(seed, e);
            if (!Files.isRegularFile(f)) {
                out.add(f + " is missing");
            } else if (Checksums.hasChecksum(f) && Checksums.problem(f) != null) {
                out.add(Checksums.problem(f));
            }
        }
        return out;
    }

    /**
     * Replays seed {@code seed}'s snapshots and writes its SWAG files and record; returns the record.
     * {@code swa} is the seed's SWA record; a diverged one gives a diverged SWAG record without results.
     * {@code progress} gets a line after each sample of each budget's model average (sample, budget, seconds so far).
     */
    static RunRecord run(ResultsDirectory dir, Preset p, Preset.SwagOptions settings, RunRecord swa, ImageDataset data,
            Provenance provenance, String command, Consumer<String> progress) throws IOException {
        long start = System.nanoTime();
        int seed = swa.seed();
        List<Integer> epochs = epochs(p, settings);
        SwagProvenance how = new SwagProvenance(settings, "the snapshots SWA averaged (models/swa-seed" + seed + "-snapshots/epoch-E.zip,"
                + " E = " + epochs + "), replayed in epoch order after the run", RunSeeds.swagSampling(seed), null, command);
        if (swa.isDiverged()) {
            RunRecord r = new RunRecord("swag", seed, RunRecord.DIVERGED, swa.divergedEpoch(), p, provenance.finished(),
                    rows(swa.epochs(), Map.of()), List.of(), how);
            Json.write(dir.record("swag", seed), r);
            return r;
        }
        JobContext ctx = new JobContext(p, new Cell("swa", seed), data, dir, null, provenance);
        EpochIterator batchNorm = ctx.batchNormIterator();
        DataSetIterator test = ctx.testIterator();
        int[] labels = SwagEvaluation.labels(test);
        Map<Integer, Double> budgetAt = new HashMap<>();
        for (double b : settings.budgets()) {
            budgetAt.put(p.epochsAt(b), b);
        }
        int last = p.epochsAt(settings.budgets().get(settings.budgets().size() - 1));
        Swag<ComputationGraph> swag = null;
        Map<Integer, PredictionMetrics> metrics = new HashMap<>();
        List<BudgetResult> results = new ArrayList<>();
        for (int e = 1; e <= last; e++) {
            if (epochs.contains(e)) {
                Path f = dir.swaSnapshot(seed, e);
                Checksums.requireIntactIfChecked(f);
                ComputationGraph net = ModelSerializer.restoreComputationGraph(f.toFile(), false);
                if (swag == null) {
                    swag = SwagEvaluation.create(net, settings.rank());
                }
                swag.collect(net);
            }
            Double b = budgetAt.get(e);
            if (b != null) {
                double budget = b;
                SwagEvaluation.Outcome o = SwagEvaluation.evaluate(swag, settings, seed, e - 1, batchNorm, test, labels,
                        done -> progress.accept(String.format(Locale.ROOT, "seed %d, budget %s: sample %d/%d (%.0f s)", seed,
                                Summary.budget(budget), done, settings.samples(), (System.nanoTime() - start) / 1e9)));
                SwagEvaluation.save(dir, seed, swag, settings.budgets(), b, e, o, labels);
                PredictionMetrics m = o.metrics();
                metrics.put(e, m);
                results.add(new BudgetResult(b, e, m.accuracy(), m.nll(), m.ece(), m.reliability()));
            }
        }
        SwagProvenance timed = new SwagProvenance(how.settings(), how.source(), how.samplingSeed(), how.members(), how.command(),
                (System.nanoTime() - start) / 1e9);
        RunRecord r = new RunRecord("swag", seed, RunRecord.FINISHED, null, p, provenance.finished(), rows(swa.epochs(), metrics),
                results, timed);
        Json.write(dir.record("swag", seed), r);
        return r;
    }

    /** The SWA run's rows with its test columns replaced by SWAG's metrics where there are some, else null. */
    private static List<EpochMetrics> rows(List<EpochMetrics> swa, Map<Integer, PredictionMetrics> metrics) {
        List<EpochMetrics> out = new ArrayList<>();
        for (EpochMetrics r : swa) {
            PredictionMetrics m = metrics.get(r.epoch());
            out.add(new EpochMetrics(r.epoch(), r.lr(), r.trainLoss(), r.trainAccuracy(), m == null ? null : m.nll(),
                    m == null ? null : m.accuracy(), m == null ? null : m.ece(), r.seconds(), r.iterations()));
        }
        return out;
    }
}
