package org.swa4j.experiments.runner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.swa4j.core.AveragedModel;
import org.swa4j.core.AveragingRule;
import org.swa4j.data.EpochIterator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.train.EpochOutcome;
import org.swa4j.experiments.train.Evaluation;
import org.swa4j.experiments.train.LearningRates;
import org.swa4j.experiments.train.Momentum;
import org.swa4j.experiments.train.Networks;
import org.swa4j.experiments.train.TrainAccuracyListener;
import org.swa4j.experiments.train.TrainingEpoch;

/**
 * Job {@code swa}: one run of round(max budget * B) epochs with the SWA schedule
 * ({@link Schedules#swa}, or {@link Schedules#cyclic} per iteration), averaging the weights
 * ({@code avg += (w - avg) / (n + 1)}, BN statistics excluded) after every {@code every_epochs}-th
 * epoch from {@code swa.start}; before each evaluation one pass over augmented training data
 * recomputes the average's BatchNorm statistics. The results at the budgets (1, 1.25, 1.5 B) are
 * the average's test metrics at the end of epochs round(b B) of this single run. With
 * {@code swa.keep_snapshots} every network averaged in is also kept ({@link #snapshotFile}).
 *
 * <p>{@code models/swa-seedK.zip} is the network evaluated after the last epoch, BN statistics as
 * recomputed for that evaluation (not the average restored from the checkpoint, whose statistics
 * are the live network's), so that it gives the recorded SWA error at the largest budget.
 */
final class SwaJob {

    private SwaJob() {
    }

    static void run(JobContext ctx) throws IOException {
        Preset p = ctx.preset();
        Preset.SwaOptions o = p.swa();
        boolean cyclic = "cyclic".equals(o.schedule());
        int total = p.swaEpochs();
        Checkpoints ck = ctx.checkpoints();
        CheckpointState s = ck.latestIntact(ctx.log()::line).orElse(null);
        Map<String, List<EpochMetrics>> epochs = new LinkedHashMap<>(Map.of("swa", new ArrayList<>()));
        Map<String, List<BudgetResult>> results = new LinkedHashMap<>(Map.of("swa", new ArrayList<>()));
        ComputationGraph net;
        AveragedModel<ComputationGraph> swa;
        int done = 0;
        long iteration = 0;
        double secondsBefore = 0;
        if (s != null) {
            done = s.epochsDone();
            iteration = s.iteration();
            secondsBefore = s.seconds();
            net = Checkpoints.loadNet(ck.net(done));
            swa = s.averageCount() > 0 ? Averaging.restore(ck.average(done), net, AveragingRule.swa(), s.averageCount()) : AveragedModel.swa(net);
            epochs.get("swa").addAll(s.epochs().get("swa"));
            results.get("swa").addAll(s.results().get("swa"));
            ctx.log().line(ctx.cell() + ": resuming after epoch " + done);
            ctx.log().skip(done);
        } else {
            net = Networks.create(p, ctx.data(), ctx.seed());
            swa = AveragedModel.swa(net);
        }
        TrainAccuracyListener accuracy = new TrainAccuracyListener(net);
        net.addListeners(accuracy);
        List<Momentum> updaters = LearningRates.updaters(net);
        EpochIterator train = ctx.trainIterator();
        EpochIterator bn = ctx.batchNormIterator();
        DataSetIterator test = ctx.testIterator();
        long cycle = (long) o.everyEpochs() * Networks.iterationsPerEpoch(p, ctx.data());
        long start = System.nanoTime();
        ComputationGraph evaluated = null;
        for (int e = done; e < total; e++) {
            long t0 = System.nanoTime();
            double[] lastLr = {cyclic ? Double.NaN : Schedules.swa(p, e)};
            if (!cyclic) {
                LearningRates.set(updaters, lastLr[0]);
            }
            EpochOutcome out = TrainingEpoch.run(net, train, e, ctx.seed(), iteration, accuracy, !cyclic ? null : i -> {
                lastLr[0] = Schedules.cyclic(i, cycle, o.cyclicLr1(), o.cyclicLr2());
                LearningRates.set(updaters, lastLr[0]);
            }, null);
            if (out.diverged()) {
                Diverged.mark(ctx, List.of("swa"), e + 1, epochs);
                return;
            }
            iteration += out.iterations();
            if (Schedules.swaAveragesAfter(p, e + 1)) {
                swa.update(net);
                if (o.keepSnapshots()) {
                    saveSnapshot(net, snapshotFile(ctx, e + 1));
                }
            }
            String line = String.format(Locale.ROOT, "%s: epoch %d/%d lr %.4g loss %.4f train %.2f%%", ctx.cell(), e + 1, total,
                    lastLr[0], out.meanLoss(), out.accuracy());
            PredictionMetrics m = null;
            if (swa.count() > 0) {
                ComputationGraph model = swa.model();
                Averaging.recomputeBatchNorm(model, bn, e);
                m = Evaluation.of(model, test);
                evaluated = model;
                line += String.format(Locale.ROOT, " | swa (n=%d) test %.2f%% nll %.4f", swa.count(), m.accuracy(), m.nll());
            }
            double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
            epochs.get("swa").add(new EpochMetrics(e + 1, lastLr[0], out.meanLoss(), out.accuracy(), m == null ? null : m.nll(),
                    m == null ? null : m.accuracy(), m == null ? null : m.ece(), seconds, out.iterations()));
            for (Double b : o.budgets()) {
                if (p.epochsAt(b) == e + 1) {
                    results.get("swa").add(new BudgetResult(b, e + 1, m.accuracy(), m.nll(), m.ece()));
                }
            }
            ck.save(e + 1, net, swa.count() > 0 ? swa : null, null);
            ck.commit(new CheckpointState(e + 1, iteration, swa.count(), 0, epochs, results, ctx.provenance().startTime(), seconds));
            ctx.writeRunning(epochs, results);
            double took = (System.nanoTime() - t0) / 1e9;
            ctx.log().line(line + String.format(Locale.ROOT, " (%.1fs) ", took) + ctx.log().epochDone(took));
        }
        if (evaluated == null) {
            // resumed after the last epoch's commit: recompute the statistics of that evaluation
            evaluated = swa.model();
            Averaging.recomputeBatchNorm(evaluated, bn, total - 1);
        }
        Checkpoints.saveNet(evaluated, ctx.dir().root().resolve("models").resolve("swa-seed" + ctx.seed() + ".zip"));
        ctx.writeRecord("swa", RunRecord.FINISHED, null, epochs.get("swa"), results.get("swa"), true);
        ck.delete();
    }

    /** {@code models/swa-seedK-snapshots/epoch-E.zip}: the network averaged into SWA after epoch E (1-based). */
    static Path snapshotFile(JobContext ctx, int epoch) {
        return ctx.dir().root().resolve("models").resolve("swa-seed" + ctx.seed() + "-snapshots").resolve("epoch-" + epoch + ".zip");
    }

    /** Weights and BN statistics without updater state, atomically (a resumed run rewrites the same file). */
    private static void saveSnapshot(ComputationGraph net, Path file) throws IOException {
        AtomicFiles.write(file, out -> ModelSerializer.writeModel(net, out, false));
    }
}
