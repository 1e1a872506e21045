package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.EpochIterator;
import org.swa4j.data.ImageDataset;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.train.EpochOutcome;
import org.swa4j.experiments.train.Networks;
import org.swa4j.experiments.train.RunSeeds;

/**
 * {@code swa ensemble-gap}'s FGE branches against the fge job of the same run: a branch started where
 * the job starts (the SGD network after FGE's start epoch), on the job's data passes and with its
 * schedule, takes exactly the snapshots the job saved, weights and updater state bit for bit. The job
 * takes its snapshots through {@link EnsembleTrack} and swa-core's snapshot trigger, the branch by
 * reading the schedule itself.
 */
class FgeBranchTest {

    @Test
    void aBranchFromFgesStartTakesTheFgeJobsSnapshots() throws IOException {
        ResultsDirectory dir = new ResultsDirectory(TinyRun.dir());
        Preset p = Json.read(dir.record("fge", 1), RunRecord.class).preset();
        ImageDataset data = Datasets.open(p.dataset(), DataOptions.builder().allowDownload(false)
                .trainLimit(p.trainLimit()).testLimit(p.testLimit()).normalisation(p.normalisationChoice()).workers(1).build());
        long perEpoch = Networks.iterationsPerEpoch(p, data);
        assertEquals(6, perEpoch, "192 images in batches of 32");
        List<Path> saved = dir.fgeSnapshots(1);
        assertEquals(2, saved.size(), "FGE trains epoch 2, 6 steps in cycles of 3: snapshots after its steps 1 and 4");

        // the SGD network after FGE's start epoch, trained as the fge job trains it when the sgd job's copy is missing
        ComputationGraph start = Networks.create(p, data, RunSeeds.initialisation(1));
        TrainingEngine.Trainer sgd = new TrainingEngine.Trainer(start, train(p, data), 1, Schedules.sgdRate(p));
        long iteration = 0;
        for (int e = 0; e < p.fgeStartEpoch(); e++) {
            EpochOutcome o = sgd.epoch(e, iteration, null);
            assertFalse(o.diverged());
            iteration += o.iterations();
        }
        sgd.detach();

        List<ComputationGraph> branch = FgeBranch.run(start, train(p, data), 1, p.fgeStartEpoch(),
                Schedules.fgeSchedule(p, perEpoch), saved.size());
        assertEquals(saved.size(), branch.size());
        for (int k = 0; k < saved.size(); k++) {
            ComputationGraph job = Checkpoints.loadNet(saved.get(k));
            assertArrayEquals(job.params().toFloatVector(), branch.get(k).params().toFloatVector(), "snapshot " + (k + 1));
            assertArrayEquals(job.getUpdater().getStateViewArray().toFloatVector(),
                    branch.get(k).getUpdater().getStateViewArray().toFloatVector(), "momentum of snapshot " + (k + 1));
        }
    }

    @Test
    void fewerThanTwoSnapshotsAreRefused() throws IOException {
        ResultsDirectory dir = new ResultsDirectory(TinyRun.dir());
        ComputationGraph net = Checkpoints.loadNet(dir.model("sgd", 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FgeBranch.run(net, null, 1, 0, FgeSchedule.ofIterations(0.05, 0.01, 3, 0), 1));
        assertEquals("an FGE branch needs >= 2 snapshots, got 1", e.getMessage());
    }

    /** The training passes of seed 1, as the runner's jobs and ensemble-gap's branches read them. */
    private static EpochIterator train(Preset p, ImageDataset data) {
        return data.train(p.batchSize(), RunSeeds.trainingData(1), p.augment());
    }
}
