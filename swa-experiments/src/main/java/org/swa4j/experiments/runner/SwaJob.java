package org.swa4j.experiments.runner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.swa4j.core.AveragingListener;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.train.Networks;
import org.swa4j.experiments.train.RunSeeds;

/**
 * Job {@code swa}: one run of round(max budget x B) epochs from the seed's initial network with the SWA
 * schedule ({@link Schedules#swaRate}: the reference's per epoch, constant, or the cyclic one per
 * iteration), averaging the weights after every {@code every_epochs}-th epoch from {@code swa.start}
 * ({@link AveragedTrack#swa}; BatchNorm statistics recomputed before each evaluation). The results at
 * the budgets (1, 1.25, 1.5 B) are the average's test metrics after epochs round(b B) of this single
 * run. With {@code swa.keep_snapshots} every network averaged in is also kept
 * ({@code models/swa-seedK-snapshots/epoch-E.zip}). It leaves {@code models/swa-seedK.zip}, the
 * average evaluated after the last epoch with the BatchNorm statistics of that evaluation, which gives
 * the recorded SWA error at the largest budget. With {@code swag} among the methods, a {@link SwagTrack}
 * rides on the same run and collects where SWA averages (the same trigger).
 */
final class SwaJob {

    private SwaJob() {
    }

    static TrainingEngine.Job of(JobContext ctx) {
        Preset p = ctx.preset();
        List<Track.Budget> budgets = new ArrayList<>();
        for (Double b : p.swa().budgets()) {
            budgets.add(new Track.Budget(b, p.epochsAt(b)));
        }
        AveragingListener.Trigger averaging = Schedules.swaAveraging(p);
        List<Track> tracks = new ArrayList<>();
        tracks.add(AveragedTrack.swa(ctx, averaging, budgets,
                p.swa().keepSnapshots() ? epoch -> ctx.dir().swaSnapshot(ctx.seed(), epoch) : null));
        if (p.methods().contains("swag")) {
            tracks.add(new SwagTrack(ctx, averaging));
        }
        return new TrainingEngine.Job(() -> Networks.create(p, ctx.data(), RunSeeds.initialisation(ctx.seed())), 0, p.swaEpochs(),
                Schedules.swaRate(p, Networks.iterationsPerEpoch(p, ctx.data())), List.copyOf(tracks), null, null, List.of());
    }

    static void run(JobContext ctx) throws IOException {
        TrainingEngine.run(ctx, of(ctx));
    }
}
