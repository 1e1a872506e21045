package org.swa4j.experiments.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.CorruptFileException;
import org.swa4j.experiments.train.EpochOutcome;
import org.swa4j.experiments.train.Networks;
import org.swa4j.experiments.train.RunSeeds;

/**
 * Job {@code fge}: Fast Geometric Ensembling (Garipov et al. 2018, dnn-mode-connectivity
 * {@code fge.py}). FGE's budget is F epochs ({@link Preset#fgeBudgetEpochs}: B unless the preset gives
 * its own). It branches from the SGD network and updater state after epoch round(0.8 F) of an SGD run
 * with the reference schedule over F epochs: with F = B the sgd job's saved copy (or an identical
 * deterministic retraining when it is missing or damaged), else an SGD run of its own, as
 * dnn-mode-connectivity starts {@code fge.py} from a checkpoint of {@code train.py --epochs=F}. Then it
 * trains the remaining epochs to F with FGE's triangular rate per iteration ({@link Schedules#fgeSchedule}) and
 * its snapshots ({@link EnsembleTrack}). One result, at budget F / B (1 when F = B).
 */
final class FgeJob {

    private FgeJob() {
    }

    static TrainingEngine.Job of(JobContext ctx) {
        Preset p = ctx.preset().fgeRun();
        long perEpoch = Networks.iterationsPerEpoch(p, ctx.data());
        double budget = (double) p.budgetEpochs() / ctx.preset().budgetEpochs();
        FgeSchedule schedule = Schedules.fgeSchedule(p, perEpoch);
        Track fge = new EnsembleTrack(ctx, schedule, List.of(new Track.Budget(budget, p.budgetEpochs())));
        Path start = ctx.dir().fgeStart(ctx.seed());
        return new TrainingEngine.Job(() -> startingPoint(ctx, start), p.fgeStartEpoch(), p.budgetEpochs(),
                new Schedules.Rate(schedule, true), List.of(fge), null, null, List.of(start));
    }

    static void run(JobContext ctx) throws IOException {
        TrainingEngine.run(ctx, of(ctx));
    }

    /** The SGD network after FGE's start epoch: the sgd job's copy, else retrained identically. */
    private static ComputationGraph startingPoint(JobContext ctx, Path file) throws IOException {
        Preset p = ctx.preset().fgeRun();
        int first = p.fgeStartEpoch();
        if (Files.isRegularFile(file)) {
            try {
                return Checkpoints.loadNet(file);
            } catch (CorruptFileException e) {
                ctx.log().line(ctx.cell() + ": the SGD checkpoint at epoch " + first + " is unusable: " + e.getMessage());
            }
        }
        if (ctx.preset().fgeSharesSgdRun()) {
            ctx.log().line(ctx.cell() + ": no intact SGD checkpoint at epoch " + first + " in this directory; retraining SGD to it "
                    + "(deterministic: the same weights as the sgd job's)");
        } else {
            ctx.log().line(ctx.cell() + ": FGE's budget is " + p.budgetEpochs() + " epochs (SGD's " + ctx.preset().budgetEpochs()
                    + "): training its own SGD run, the reference schedule over " + p.budgetEpochs() + " epochs, to epoch " + first);
        }
        ComputationGraph net = Networks.create(p, ctx.data(), RunSeeds.initialisation(ctx.seed()));
        TrainingEngine.Trainer sgd = new TrainingEngine.Trainer(net, ctx.trainIterator(), ctx.seed(), Schedules.sgdRate(p));
        long iteration = 0;
        for (int e = 0; e < first; e++) {
            EpochOutcome o = sgd.epoch(e, iteration, null);
            if (o.diverged()) {
                throw new IllegalStateException(ctx.cell() + ": the SGD prefix diverged in epoch " + (e + 1));
            }
            iteration += o.iterations();
        }
        sgd.detach();
        return net;
    }
}
