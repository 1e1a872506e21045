package org.swa4j.experiments.runner;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.swa4j.data.EpochIterator;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.results.SwagProvenance;
import org.swa4j.experiments.train.RunSeeds;

/**
 * What every job of one seed shares: the preset, the seed, the data, the results directory, the
 * log and the provenance. Iterators are seeded from the seed ({@link RunSeeds}): the training iterator
 * with the training-data seed (so SGD and SWA runs of a seed see the same batches in the same epochs),
 * the iterator of BatchNorm updates with a second stream.
 */
public record JobContext(Preset preset, Cell cell, ImageDataset data, ResultsDirectory dir, ProgressLog log,
        Provenance provenance) {

    /** Test batches for evaluation (inference only, so the batch size does not change results). */
    public static final int EVAL_BATCH = 256;

    /**
     * The seed of the BatchNorm-update stream of seed {@code seed} ({@link RunSeeds#batchNormData}). The
     * jobs recompute an average's statistics before its evaluation after epoch e on pass e of this
     * stream; {@code swa geometry} uses it to reproduce the recorded errors.
     */
    public static long batchNormSeed(int seed) {
        return RunSeeds.batchNormData(seed);
    }

    public int seed() {
        return cell.seed();
    }

    public EpochIterator trainIterator() {
        return data.train(preset.batchSize(), RunSeeds.trainingData(seed()), preset.augment());
    }

    public EpochIterator batchNormIterator() {
        return data.train(preset.batchSize(), RunSeeds.batchNormData(seed()), preset.augment());
    }

    public DataSetIterator testIterator() {
        return data.test(EVAL_BATCH);
    }

    public Checkpoints checkpoints() {
        return new Checkpoints(dir.checkpoint(cell.job(), seed()));
    }

    /** This context with its provenance's start time set to {@code start} (a resumed job's first start). */
    public JobContext startedAt(String start) {
        return new JobContext(preset, cell, data, dir, log, provenance.startedAt(start));
    }

    /** Writes the record of {@code method} (atomically); SWAG's says how it was made ({@link SwagProvenance}). */
    public void writeRecord(String method, String status, Integer divergedEpoch, List<EpochMetrics> epochs,
            List<BudgetResult> results, boolean finished) throws IOException {
        Provenance p = finished ? provenance.finished() : provenance;
        SwagProvenance swag = method.equals("swag") ? new SwagProvenance(SwagProvenance.resolved(preset, null),
                "the weights SWA averages, collected along the SWA run", RunSeeds.swagSampling(seed()), null, null) : null;
        Json.write(dir.record(method, seed()), new RunRecord(method, seed(), status, divergedEpoch, preset, p,
                List.copyOf(epochs), List.copyOf(results), swag));
    }

    /**
     * The data set of a results directory's run, opened as the run opened it (limits, normalisation), from
     * {@code dataDir} if given, else where the run found it; never downloaded.
     */
    public static ImageDataset openData(RunOptions options, String dataDir) {
        RunOptions o = new RunOptions(options.preset(), dataDir != null ? dataDir : options.dataDir(), false, options.threads(),
                options.shard(), options.command(), options.resultsFormat());
        return org.swa4j.data.Datasets.open(options.preset().dataset(), Environment.dataOptions(o));
    }

    /** Writes the records of all methods of a state as running. */
    public void writeRunning(Map<String, List<EpochMetrics>> epochs, Map<String, List<BudgetResult>> results) throws IOException {
        for (String m : epochs.keySet()) {
            writeRecord(m, RunRecord.RUNNING, null, epochs.get(m), results.getOrDefault(m, List.of()), false);
        }
    }
}
