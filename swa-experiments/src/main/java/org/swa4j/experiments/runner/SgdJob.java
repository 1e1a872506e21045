package org.swa4j.experiments.runner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.swa4j.core.AveragedModel;
import org.swa4j.core.AveragingRule;
import org.swa4j.data.EpochIterator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.preset.Preset;
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
 * Job {@code sgd}: B epochs of SGD with the preset's schedule ({@link Schedules#sgd}: reference or constant), and along
 * the same trajectory the weight EMA {@code ema = d ema + (1 - d) w} after every step, whose
 * BatchNorm statistics are recomputed ({@code BatchNormUpdate}) before each evaluation. Writes the
 * sgd and ema records, the checkpoint every epoch, the SGD weights at FGE's start epoch (when FGE
 * shares this run: no fge.budget_epochs of its own), and the
 * final models under {@code models/}: {@code ema-seedK.zip} is the EMA network evaluated after the
 * last epoch, with the BN statistics recomputed for that evaluation.
 */
final class SgdJob {

    private SgdJob() {
    }

    static void run(JobContext ctx) throws IOException {
        Preset p = ctx.preset();
        boolean withEma = p.methods().contains("ema");
        boolean withSgd = p.methods().contains("sgd");
        Checkpoints ck = ctx.checkpoints();
        CheckpointState s = ck.latestIntact(ctx.log()::line).orElse(null);
        ComputationGraph net;
        AveragedModel<ComputationGraph> ema = null;
        Map<String, List<EpochMetrics>> epochs = new LinkedHashMap<>();
        Map<String, List<BudgetResult>> results = new LinkedHashMap<>();
        List<String> methods = new ArrayList<>();
        if (withSgd) {
            methods.add("sgd");
        }
        if (withEma) {
            methods.add("ema");
        }
        for (String m : methods) {
            epochs.put(m, new ArrayList<>());
            results.put(m, new ArrayList<>());
        }
        int done = 0;
        long iteration = 0;
        double secondsBefore = 0;
        if (s != null) {
            done = s.epochsDone();
            iteration = s.iteration();
            secondsBefore = s.seconds();
            net = Checkpoints.loadNet(ck.net(done));
            if (withEma) {
                ema = Averaging.restore(ck.average(done), net, AveragingRule.ema(p.ema().decay()), s.averageCount());
            }
            s.epochs().forEach((m, l) -> epochs.get(m).addAll(l));
            ctx.log().line(ctx.cell() + ": resuming after epoch " + done);
            ctx.log().skip(done);
        } else {
            net = Networks.create(p, ctx.data(), ctx.seed());
            if (withEma) {
                ema = AveragedModel.ema(net, p.ema().decay());
            }
        }
        final AveragedModel<ComputationGraph> average = ema;
        TrainAccuracyListener accuracy = new TrainAccuracyListener(net);
        net.addListeners(accuracy);
        List<Momentum> updaters = LearningRates.updaters(net);
        EpochIterator train = ctx.trainIterator();
        EpochIterator bn = ctx.batchNormIterator();
        DataSetIterator test = ctx.testIterator();
        long start = System.nanoTime();
        ComputationGraph evaluatedEma = null;
        for (int e = done; e < p.budgetEpochs(); e++) {
            long t0 = System.nanoTime();
            double lr = Schedules.sgd(p, e);
            LearningRates.set(updaters, lr);
            EpochOutcome o = TrainingEpoch.run(net, train, e, ctx.seed(), iteration, accuracy, null,
                    average == null ? null : i -> average.update(net));
            if (o.diverged()) {
                Diverged.mark(ctx, methods, e + 1, epochs);
                return;
            }
            iteration += o.iterations();
            double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
            PredictionMetrics m = Evaluation.of(net, test);
            String line = String.format(java.util.Locale.ROOT, "%s: epoch %d/%d lr %.4g loss %.4f train %.2f%% test %.2f%% nll %.4f",
                    ctx.cell(), e + 1, p.budgetEpochs(), lr, o.meanLoss(), o.accuracy(), m.accuracy(), m.nll());
            EpochMetrics sgdRow = new EpochMetrics(e + 1, lr, o.meanLoss(), o.accuracy(), m.nll(), m.accuracy(), m.ece(), seconds,
                    o.iterations());
            if (withSgd) {
                epochs.get("sgd").add(sgdRow);
            }
            PredictionMetrics me = null;
            if (withEma) {
                ComputationGraph model = ema.model();
                Averaging.recomputeBatchNorm(model, bn, e);
                me = Evaluation.of(model, test);
                evaluatedEma = model;
                epochs.get("ema").add(new EpochMetrics(e + 1, lr, null, null, me.nll(), me.accuracy(), me.ece(), seconds));
                line += String.format(java.util.Locale.ROOT, " | ema test %.2f%%", me.accuracy());
            }
            if (e + 1 == p.budgetEpochs()) {
                if (withSgd) {
                    results.get("sgd").add(new BudgetResult(1.0, e + 1, m.accuracy(), m.nll(), m.ece()));
                }
                if (withEma) {
                    results.get("ema").add(new BudgetResult(1.0, e + 1, me.accuracy(), me.nll(), me.ece()));
                }
            }
            if (p.methods().contains("fge") && p.fgeSharesSgdRun() && e + 1 == p.fgeStartEpoch()) {
                Checkpoints.saveNet(net, FgeJob.startFile(ctx));
            }
            ck.save(e + 1, net, ema, null);
            ck.commit(new CheckpointState(e + 1, iteration, ema == null ? 0 : ema.count(), 0, epochs, results,
                    ctx.provenance().startTime(), seconds));
            ctx.writeRunning(epochs, results);
            ctx.log().line(line + String.format(java.util.Locale.ROOT, " (%.1fs) ", (System.nanoTime() - t0) / 1e9)
                    + ctx.log().epochDone((System.nanoTime() - t0) / 1e9));
        }
        java.nio.file.Path models = ctx.dir().root().resolve("models");
        Checkpoints.saveNet(net, models.resolve("sgd-seed" + ctx.seed() + ".zip"));
        if (withEma) {
            if (evaluatedEma == null) {
                // resumed after the last epoch's commit: recompute the statistics of that evaluation
                evaluatedEma = ema.model();
                Averaging.recomputeBatchNorm(evaluatedEma, bn, p.budgetEpochs() - 1);
            }
            Checkpoints.saveNet(evaluatedEma, models.resolve("ema-seed" + ctx.seed() + ".zip"));
        }
        for (String m : methods) {
            ctx.writeRecord(m, RunRecord.FINISHED, null, epochs.get(m), results.get(m), true);
        }
        ck.delete();
    }
}
