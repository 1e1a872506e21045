package org.swa4j.experiments.runner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.train.Networks;
import org.swa4j.experiments.train.RunSeeds;

/**
 * Job {@code sgd}: B epochs of SGD with the preset's schedule ({@link Schedules#sgdRate}: reference or
 * constant) from the seed's initial network, evaluated after every epoch ({@link LiveTrack}), and
 * along the same trajectory the weight EMA {@code ema = d ema + (1 - d) w} after every step
 * ({@link AveragedTrack#ema}). Both results are at epoch B. It also saves the SGD network after FGE's
 * start epoch when FGE shares this run (no {@code fge.budget_epochs} of its own), and leaves
 * {@code models/sgd-seedK.zip}, the network after the last epoch, and {@code models/ema-seedK.zip}.
 */
final class SgdJob {

    private SgdJob() {
    }

    static TrainingEngine.Job of(JobContext ctx) {
        Preset p = ctx.preset();
        List<Track.Budget> atB = List.of(new Track.Budget(1.0, p.budgetEpochs()));
        List<Track> tracks = new ArrayList<>();
        if (p.methods().contains("sgd")) {
            tracks.add(new LiveTrack("sgd", ctx.testIterator(), atB));
        }
        if (p.methods().contains("ema")) {
            tracks.add(AveragedTrack.ema(ctx, p.ema().decay(), atB));
        }
        TrainingEngine.BranchPoint fgeStart = p.methods().contains("fge") && p.fgeSharesSgdRun()
                ? new TrainingEngine.BranchPoint(p.fgeStartEpoch(), ctx.dir().fgeStart(ctx.seed())) : null;
        return new TrainingEngine.Job(() -> Networks.create(p, ctx.data(), RunSeeds.initialisation(ctx.seed())), 0,
                p.budgetEpochs(), Schedules.sgdRate(p), tracks, fgeStart, ctx.dir().model("sgd", ctx.seed()), List.of());
    }

    static void run(JobContext ctx) throws IOException {
        TrainingEngine.run(ctx, of(ctx));
    }
}
