package org.swa4j.experiments.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.data.EpochIterator;
import org.swa4j.experiments.metrics.MetricsAccumulator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.Checksums;
import org.swa4j.experiments.results.CorruptFileException;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.train.EpochOutcome;
import org.swa4j.experiments.train.LearningRates;
import org.swa4j.experiments.train.Momentum;
import org.swa4j.experiments.train.Networks;
import org.swa4j.experiments.train.TrainAccuracyListener;
import org.swa4j.experiments.train.TrainingEpoch;

/**
 * Job {@code fge}: Fast Geometric Ensembling (Garipov et al. 2018, dnn-mode-connectivity
 * {@code fge.py}). FGE's budget is F epochs ({@link Preset#fgeBudgetEpochs}: B unless the preset gives
 * its own). Starts from the SGD weights and updater state at epoch round(0.8 F) of an SGD run with the
 * reference schedule over F epochs: with F = B the sgd job's saved copy (or an identical deterministic
 * retraining when it is missing or damaged), else an SGD run of its own, as dnn-mode-connectivity starts
 * {@code fge.py} from a checkpoint of {@code train.py --epochs=F}. Then it
 * trains the remaining epochs to F with the triangular per-iteration schedule ({@link Schedules#fge}),
 * takes a snapshot at each cycle's minimum, and predicts with the mean of the snapshots' softmax
 * probabilities. As in {@code fge.py}, the test probabilities of each snapshot are added to a
 * running sum when it is taken (the snapshots are also saved under {@code models/}); the BN
 * statistics are the snapshots' own. One result, at budget F / B (1 when F = B).
 */
final class FgeJob {

    private FgeJob() {
    }

    static Path startFile(JobContext ctx) {
        return ctx.dir().root().resolve("checkpoints").resolve("fge-start-seed" + ctx.seed() + ".zip");
    }

    static void run(JobContext ctx) throws IOException {
        Preset p = ctx.preset().fgeRun();
        Preset.FgeOptions f = p.fge();
        int first = p.fgeStartEpoch();
        Checkpoints ck = ctx.checkpoints();
        CheckpointState s = ck.latestIntact(ctx.log()::line).orElse(null);
        Map<String, List<EpochMetrics>> epochs = new LinkedHashMap<>(Map.of("fge", new ArrayList<>()));
        Map<String, List<BudgetResult>> results = new LinkedHashMap<>(Map.of("fge", new ArrayList<>()));
        DataSetIterator test = ctx.testIterator();
        INDArray labels = labels(test);
        ComputationGraph net;
        INDArray sum = null;
        int snapshots = 0;
        int done;
        long iteration = 0;
        double secondsBefore = 0;
        if (s != null) {
            done = s.epochsDone();
            iteration = s.iteration();
            secondsBefore = s.seconds();
            snapshots = s.snapshots();
            net = Checkpoints.loadNet(ck.net(done));
            if (snapshots > 0) {
                sum = Checkpoints.loadArray(ck.probabilities(done));
            }
            epochs.get("fge").addAll(s.epochs().get("fge"));
            ctx.log().line(ctx.cell() + ": resuming after epoch " + done);
            ctx.log().skip(done - first);
        } else {
            net = startingPoint(ctx, first);
            done = first;
        }
        TrainAccuracyListener accuracy = new TrainAccuracyListener(net);
        net.addListeners(accuracy);
        List<Momentum> updaters = LearningRates.updaters(net);
        EpochIterator train = ctx.trainIterator();
        long cycle = Math.max(2, Math.round(f.cycleEpochs() * Networks.iterationsPerEpoch(p, ctx.data())));
        long start = System.nanoTime();
        Path models = ctx.dir().root().resolve("models");
        for (int e = done; e < p.budgetEpochs(); e++) {
            long t0 = System.nanoTime();
            double[] lastLr = {Double.NaN};
            INDArray[] acc = {sum};
            int[] count = {snapshots};
            final ComputationGraph live = net;
            EpochOutcome out = TrainingEpoch.run(net, train, e, ctx.seed(), iteration, accuracy, i -> {
                lastLr[0] = Schedules.fge(i, cycle, f.lr1(), f.lr2());
                LearningRates.set(updaters, lastLr[0]);
            }, i -> {
                if (Schedules.fgeSnapshot(i, cycle)) {
                    INDArray probs = probabilities(live, test);
                    acc[0] = acc[0] == null ? probs : acc[0].addi(probs);
                    count[0]++;
                    Checkpoints.saveNet(live, models.resolve("fge-seed" + ctx.seed() + "-snapshot" + count[0] + ".zip"));
                }
            });
            if (out.diverged()) {
                Diverged.mark(ctx, List.of("fge"), e + 1, epochs);
                return;
            }
            sum = acc[0];
            snapshots = count[0];
            iteration += out.iterations();
            String line = String.format(Locale.ROOT, "%s: epoch %d/%d lr %.4g loss %.4f train %.2f%%", ctx.cell(), e + 1,
                    p.budgetEpochs(), lastLr[0], out.meanLoss(), out.accuracy());
            PredictionMetrics m = null;
            if (snapshots > 0) {
                MetricsAccumulator metrics = new MetricsAccumulator();
                metrics.add(sum.div(snapshots), labels);
                m = metrics.result();
                line += String.format(Locale.ROOT, " | fge (%d snapshots) test %.2f%% nll %.4f", snapshots, m.accuracy(), m.nll());
            }
            double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
            epochs.get("fge").add(new EpochMetrics(e + 1, lastLr[0], out.meanLoss(), out.accuracy(), m == null ? null : m.nll(),
                    m == null ? null : m.accuracy(), m == null ? null : m.ece(), seconds, out.iterations()));
            if (e + 1 == p.budgetEpochs()) {
                if (m == null) {
                    throw new IllegalStateException("FGE took no snapshot in " + (p.budgetEpochs() - first) + " epochs (cycle "
                            + cycle + " iterations); the preset validation should have rejected this");
                }
                double budget = (double) p.budgetEpochs() / ctx.preset().budgetEpochs();
                results.get("fge").add(new BudgetResult(budget, e + 1, m.accuracy(), m.nll(), m.ece()));
            }
            ck.save(e + 1, net, null, sum);
            ck.commit(new CheckpointState(e + 1, iteration, 0, snapshots, epochs, results, ctx.provenance().startTime(), seconds));
            ctx.writeRunning(epochs, results);
            double took = (System.nanoTime() - t0) / 1e9;
            ctx.log().line(line + String.format(Locale.ROOT, " (%.1fs) ", took) + ctx.log().epochDone(took));
        }
        ctx.writeRecord("fge", RunRecord.FINISHED, null, epochs.get("fge"), results.get("fge"), true);
        ck.delete();
        Checksums.deleteWithChecksum(startFile(ctx));
    }

    /** The SGD network after epoch {@code first}: the sgd job's copy, else retrained identically. */
    private static ComputationGraph startingPoint(JobContext ctx, int first) throws IOException {
        Path file = startFile(ctx);
        if (Files.isRegularFile(file)) {
            try {
                return Checkpoints.loadNet(file);
            } catch (CorruptFileException e) {
                ctx.log().line(ctx.cell() + ": the SGD checkpoint at epoch " + first + " is unusable: " + e.getMessage());
            }
        }
        Preset p = ctx.preset().fgeRun();
        if (ctx.preset().fgeSharesSgdRun()) {
            ctx.log().line(ctx.cell() + ": no intact SGD checkpoint at epoch " + first + " in this directory; retraining SGD to it "
                    + "(deterministic: the same weights as the sgd job's)");
        } else {
            ctx.log().line(ctx.cell() + ": FGE's budget is " + p.budgetEpochs() + " epochs (SGD's " + ctx.preset().budgetEpochs()
                    + "): training its own SGD run, the reference schedule over " + p.budgetEpochs() + " epochs, to epoch " + first);
        }
        ComputationGraph net = Networks.create(p, ctx.data(), ctx.seed());
        TrainAccuracyListener accuracy = new TrainAccuracyListener(net);
        net.addListeners(accuracy);
        List<Momentum> updaters = LearningRates.updaters(net);
        EpochIterator train = ctx.trainIterator();
        long iteration = 0;
        for (int e = 0; e < first; e++) {
            LearningRates.set(updaters, Schedules.sgd(p, e));
            EpochOutcome o = TrainingEpoch.run(net, train, e, ctx.seed(), iteration, accuracy, null, null);
            if (o.diverged()) {
                throw new IllegalStateException(ctx.cell() + ": the SGD prefix diverged in epoch " + (e + 1));
            }
            iteration += o.iterations();
        }
        net.setListeners(new java.util.ArrayList<org.deeplearning4j.optimize.api.TrainingListener>());
        return net;
    }

    static INDArray probabilities(ComputationGraph net, DataSetIterator test) {
        List<INDArray> parts = new ArrayList<>();
        test.reset();
        while (test.hasNext()) {
            parts.add(net.output(false, test.next().getFeatures())[0].castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE));
        }
        test.reset();
        return Nd4j.vstack(parts.toArray(INDArray[]::new));
    }

    static INDArray labels(DataSetIterator test) {
        List<INDArray> parts = new ArrayList<>();
        test.reset();
        while (test.hasNext()) {
            DataSet b = test.next();
            parts.add(b.getLabels().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE));
        }
        test.reset();
        return Nd4j.vstack(parts.toArray(INDArray[]::new));
    }
}
