package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.data.Datasets;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.Provenance;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.train.Networks;

/** The training loop's end of a job, on the tiny preset's sgd job (SGD and EMA along it). */
class TrainingEngineTest {

    /**
     * A process that dies after the last epoch's checkpoint is committed but before the job's records
     * are finished (here: the final network cannot be written) leaves that checkpoint; the job resumed
     * from it trains nothing more and finishes with the results the checkpoint holds, those of the
     * uninterrupted run.
     */
    @Test
    void aJobResumedAfterItsLastCommitFinishesWithTheCheckpointsResults(@TempDir Path tmp) throws IOException {
        ResultsDirectory reference = new ResultsDirectory(TinyRun.dir());
        RunOptions options = Json.read(reference.runOptions(), RunOptions.class);
        Preset p = options.preset();
        Nd4j.getEnvironment().setMaxThreads(options.threads());
        Nd4j.factory().blas().setMaxThreads(options.threads());
        ImageDataset data = Datasets.open(p.dataset(), Environment.dataOptions(options));
        ResultsDirectory dir = new ResultsDirectory(tmp.resolve("run"));
        Path blocked = Files.writeString(tmp.resolve("not-a-directory"), "");
        try (ProgressLog log = new ProgressLog(dir.log(), p.budgetEpochs())) {
            JobContext ctx = context(p, data, dir, log);
            TrainingEngine.Job job = SgdJob.of(ctx);
            TrainingEngine.Job failsAtTheEnd = new TrainingEngine.Job(job.start(), job.firstEpoch(), job.endEpoch(), job.rate(),
                    job.tracks(), job.branch(), blocked.resolve("sgd-seed1.zip"), job.removeWhenDone());
            assertThrows(IOException.class, () -> TrainingEngine.run(ctx, failsAtTheEnd));
            assertEquals(p.budgetEpochs(), ctx.checkpoints().committedEpochs().get(0), "the last epoch's checkpoint is the newest");
            assertEquals(RunRecord.RUNNING, Json.read(dir.record("sgd", 1), RunRecord.class).status());

            TrainingEngine.run(context(p, data, dir, log), SgdJob.of(context(p, data, dir, log)));
        }
        assertTrue(Files.readString(dir.log()).contains("sgd/seed1: resuming after epoch " + p.budgetEpochs()));
        for (String m : List.of("sgd", "ema")) {
            RunRecord expected = Json.read(reference.record(m, 1), RunRecord.class);
            RunRecord actual = Json.read(dir.record(m, 1), RunRecord.class);
            assertEquals(RunRecord.FINISHED, actual.status(), m);
            assertEquals(1, actual.results().size(), m + ": the result at B, from the checkpoint");
            assertEquals(expected.results(), actual.results(), m);
            assertEquals(withoutTime(expected.epochs()), withoutTime(actual.epochs()), m);
        }
        assertTrue(Files.isRegularFile(dir.model("sgd", 1)) && Files.isRegularFile(dir.model("ema", 1)));
        assertEquals(List.of(), new Checkpoints(dir.checkpoint("sgd", 1)).committedEpochs(), "the checkpoint is removed");
    }

    private static JobContext context(Preset p, ImageDataset data, ResultsDirectory dir, ProgressLog log) {
        return new JobContext(p, new Cell("sgd", 1), data, dir, log,
                Provenance.capture(2, ExperimentRunner.backend(), Networks.layerFactoryName(p)));
    }

    private static List<EpochMetrics> withoutTime(List<EpochMetrics> epochs) {
        return epochs.stream().map(e -> new EpochMetrics(e.epoch(), e.lr(), e.trainLoss(), e.trainAccuracy(), e.testLoss(),
                e.testAccuracy(), e.testEce(), 0, e.iterations())).toList();
    }
}
