package org.swa4j.experiments.cli;

import org.swa4j.data.DatasetSpec;
import org.swa4j.data.Datasets;
import org.swa4j.experiments.bench.BenchSettings;
import org.swa4j.experiments.bench.TrainBenchmark;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.runner.RunPlan;
import org.swa4j.experiments.train.Networks;

/**
 * {@code swa run --dry-run}: the {@link RunPlan} of a preset, with its time estimated at a given
 * training rate (forward passes then assumed 3x as fast, about what a backward pass costs), or at rates
 * measured here by {@link TrainBenchmark} on random data of the data set's shape.
 */
final class DryRun {

    /** Training steps measured (after one warm-up step) when no rate is given. */
    static final int MEASURED_STEPS = 3;

    private DryRun() {
    }

    static String describe(Preset p, Double imagesPerSecond, int threads) {
        RunPlan plan = RunPlan.of(p);
        if (imagesPerSecond != null) {
            return plan.describe(imagesPerSecond, 3 * imagesPerSecond, "given with --images-per-second; forward passes assumed 3x");
        }
        if (p.pretrained() != null) {
            throw new IllegalArgumentException("preset '" + p.name() + "' starts from a pretrained model file that cannot be "
                    + "benchmarked without it: give --images-per-second");
        }
        DatasetSpec d = plan.data();
        System.err.printf("swa: measuring %s at batch %d here (%d steps after 1 warm-up; give --images-per-second to skip)%n",
                p.model(), p.batchSize(), MEASURED_STEPS);
        BenchSettings args = new BenchSettings(p.model(), d.channels(), d.height(), d.width(), p.batchSize(), MEASURED_STEPS, threads,
                Networks.layerFactoryName(p), 1, d.classes(), 1, true);
        TrainBenchmark.Result r = TrainBenchmark.measure(args);
        return plan.describe(r.trainImagesPerSec(), r.inferenceImagesPerSec(), "measured here, " + threads + " threads, "
                + MEASURED_STEPS + " steps: a rough figure; measure on the target machine for a real one");
    }
}
