package org.swa4j.experiments.runner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.swa4j.core.AveragedModel;
import org.swa4j.core.Swag;
import org.swa4j.data.EpochIterator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.Checksums;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.RunRecord;
import org.swa4j.experiments.train.EpochOutcome;
import org.swa4j.experiments.train.LearningRates;
import org.swa4j.experiments.train.Momentum;
import org.swa4j.experiments.train.TrainAccuracyListener;
import org.swa4j.experiments.train.TrainingEpoch;

/**
 * The runner's one training loop. A {@link Job} is a training run (where its network starts, its
 * epochs, its learning rate) and the methods along it ({@link Track}s); the loop owns everything else:
 * resuming from the newest intact checkpoint ({@link Checkpoints}), the epochs and their steps
 * ({@link TrainingEpoch}, which honours stop requests), divergence ({@link Diverged}), the per-epoch
 * records and results, the checkpoint of every epoch, the progress lines, and the end of the job.
 *
 * <p>Per epoch, in this order: the rate (per epoch, or before every step), the steps with each track's
 * {@link Track#afterStep} after every step, each track's {@link Track#afterEpoch}, each track's
 * evaluation (its records and results), the branch-point network, the checkpoint, the records as running
 * and the progress line. At the end: the live network, each track's model, the records as finished, and
 * the checkpoint removed.
 */
final class TrainingEngine {

    private TrainingEngine() {
    }

    /** Where a job's network comes from when it has no checkpoint. */
    @FunctionalInterface
    interface Start {
        ComputationGraph network() throws IOException;
    }

    /** The live network saved to {@code file} after epoch {@code epoch} (1-based): FGE's start, when it shares the SGD run. */
    record BranchPoint(int epoch, Path file) {
    }

    /**
     * A job.
     *
     * @param start          its network when there is no checkpoint
     * @param firstEpoch     the epoch (0-based) that network is at: 0, or FGE's start
     * @param endEpoch       the epochs are firstEpoch .. endEpoch - 1
     * @param rate           the learning rate
     * @param tracks         the methods along the run, in record order
     * @param branch         a network to save on the way, or null
     * @param finalNetwork   where the live network goes after the last epoch, or null
     * @param removeWhenDone files removed (with their checksums) once the job has finished
     */
    record Job(Start start, int firstEpoch, int endEpoch, Schedules.Rate rate, List<Track> tracks, BranchPoint branch,
            Path finalNetwork, List<Path> removeWhenDone) {
    }

    /**
     * A live network's training: its Momentum updaters, training-accuracy listener, data and rate, and
     * the rate it last set (the epoch's rate in the records: that of its last step).
     */
    static final class Trainer {

        private final ComputationGraph net;
        private final EpochIterator data;
        private final long seed;
        private final Schedules.Rate rate;
        private final TrainAccuracyListener accuracy;
        private final List<Momentum> updaters;
        private double lastRate = Double.NaN;

        Trainer(ComputationGraph net, EpochIterator data, long seed, Schedules.Rate rate) {
            this.net = net;
            this.data = data;
            this.seed = seed;
            this.rate = rate;
            this.accuracy = new TrainAccuracyListener(net);
            net.addListeners(accuracy);
            this.updaters = LearningRates.updaters(net);
        }

        /** Trains pass {@code epoch}; {@code firstIteration} is the job's step count before it. */
        EpochOutcome epoch(int epoch, long firstIteration, TrainingEpoch.StepHook after) throws IOException {
            TrainingEpoch.StepHook before = null;
            if (rate.perIteration()) {
                before = i -> setRate(rate.at(i, epoch));
            } else {
                setRate(rate.at(0, epoch));
            }
            return TrainingEpoch.run(net, data, epoch, seed, firstIteration, accuracy, before, after);
        }

        double lastRate() {
            return lastRate;
        }

        /** Takes the accuracy listener off the network (it is trained on elsewhere). */
        void detach() {
            net.setListeners(new ArrayList<TrainingListener>());
        }

        private void setRate(double lr) {
            lastRate = lr;
            LearningRates.set(updaters, lr);
        }
    }

    /** Runs (or continues) {@code job} for the cell of {@code ctx}. */
    static void run(JobContext context, Job job) throws IOException {
        Checkpoints ck = context.checkpoints();
        CheckpointState state = ck.latestIntact(context.log()::line).orElse(null);
        // the records and the next checkpoints of a resumed job keep the start time of its first process
        JobContext ctx = state != null && state.startTime() != null ? context.startedAt(state.startTime()) : context;
        List<Track> tracks = job.tracks();
        List<String> methods = tracks.stream().map(Track::method).toList();
        Map<String, List<EpochMetrics>> epochs = new LinkedHashMap<>();
        Map<String, List<BudgetResult>> results = new LinkedHashMap<>();
        for (String m : methods) {
            epochs.put(m, new ArrayList<>());
            results.put(m, new ArrayList<>());
        }
        ComputationGraph net;
        int done;
        long iteration = 0;
        double secondsBefore = 0;
        if (state != null) {
            done = state.epochsDone();
            iteration = state.iteration();
            secondsBefore = state.seconds();
            net = Checkpoints.loadNet(ck.net(done));
            for (String m : methods) {
                epochs.get(m).addAll(state.epochs().getOrDefault(m, List.of()));
                results.get(m).addAll(state.results().getOrDefault(m, List.of()));
            }
            ctx.log().line(ctx.cell() + ": resuming after epoch " + done);
            ctx.log().skip(done - job.firstEpoch());
        } else {
            net = job.start().network();
            done = job.firstEpoch();
        }
        for (Track t : tracks) {
            t.start(net, ck, state);
        }
        Trainer trainer = new Trainer(net, ctx.trainIterator(), ctx.seed(), job.rate());
        TrainingEpoch.StepHook afterStep = i -> {
            for (Track t : tracks) {
                t.afterStep(net, i);
            }
        };
        long start = System.nanoTime();
        for (int e = done; e < job.endEpoch(); e++) {
            long t0 = System.nanoTime();
            EpochOutcome o = trainer.epoch(e, iteration, afterStep);
            if (o.diverged()) {
                Diverged.mark(ctx, methods, e + 1, epochs);
                return;
            }
            iteration += o.iterations();
            for (Track t : tracks) {
                t.afterEpoch(net, e);
            }
            double lr = trainer.lastRate();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s: epoch %d/%d lr %.4g loss %.4f train %.2f%%",
                    ctx.cell(), e + 1, job.endEpoch(), lr, o.meanLoss(), o.accuracy()));
            List<PredictionMetrics> metrics = new ArrayList<>();
            for (Track t : tracks) {
                PredictionMetrics m = t.evaluate(net, e);
                metrics.add(m);
                line.append(t.describe(m));
            }
            double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
            for (int k = 0; k < tracks.size(); k++) {
                record(tracks.get(k), metrics.get(k), e, lr, o, seconds, epochs, results);
            }
            if (job.branch() != null && job.branch().epoch() == e + 1) {
                Checkpoints.saveNet(net, job.branch().file());
            }
            checkpoint(ck, e + 1, net, iteration, tracks, epochs, results, ctx.provenance().startTime(), seconds);
            ctx.writeRunning(epochs, results);
            double took = (System.nanoTime() - t0) / 1e9;
            ctx.log().line(line + String.format(Locale.ROOT, " (%.1fs) ", took) + ctx.log().epochDone(took));
        }
        if (job.finalNetwork() != null) {
            Checkpoints.saveNet(net, job.finalNetwork());
        }
        for (Track t : tracks) {
            t.finish(job.endEpoch() - 1);
        }
        for (String m : methods) {
            ctx.writeRecord(m, RunRecord.FINISHED, null, epochs.get(m), results.get(m), true);
        }
        ck.delete();
        for (Path f : job.removeWhenDone()) {
            Checksums.deleteWithChecksum(f);
        }
    }

    /** Adds epoch {@code e}'s row of {@code t} and its results at the budgets that end there. */
    private static void record(Track t, PredictionMetrics m, int e, double lr, EpochOutcome o, double seconds,
            Map<String, List<EpochMetrics>> epochs, Map<String, List<BudgetResult>> results) {
        Double nll = m == null ? null : m.nll();
        Double accuracy = m == null ? null : m.accuracy();
        Double ece = m == null ? null : m.ece();
        epochs.get(t.method()).add(t.trainingColumns()
                ? new EpochMetrics(e + 1, lr, o.meanLoss(), o.accuracy(), nll, accuracy, ece, seconds, o.iterations())
                : new EpochMetrics(e + 1, lr, null, null, nll, accuracy, ece, seconds));
        for (Track.Budget b : t.budgets()) {
            if (b.epoch() == e + 1) {
                if (m == null) {
                    throw new IllegalStateException(t.method() + " has nothing to evaluate after epoch " + (e + 1) + ", its result at "
                            + "budget " + b.budget() + "; the preset validation should have rejected this");
                }
                results.get(t.method()).add(new BudgetResult(b.budget(), e + 1, m.accuracy(), m.nll(), m.ece(), m.reliability()));
            }
        }
    }

    /** Writes and commits the checkpoint after {@code epochsDone} epochs. */
    private static void checkpoint(Checkpoints ck, int epochsDone, ComputationGraph net, long iteration, List<Track> tracks,
            Map<String, List<EpochMetrics>> epochs, Map<String, List<BudgetResult>> results, String startTime, double seconds)
            throws IOException {
        AveragedModel<?> average = null;
        INDArray probabilities = null;
        Swag<?> swag = null;
        int snapshots = 0;
        for (Track t : tracks) {
            if (t.swag() != null) {
                if (swag != null) {
                    throw new IllegalStateException("a checkpoint holds one SWAG; two tracks have one");
                }
                swag = t.swag();
            }
            if (t.average() != null) {
                if (average != null) {
                    throw new IllegalStateException("a checkpoint holds one average; two tracks have one");
                }
                average = t.average();
            }
            if (t.probabilities() != null) {
                if (probabilities != null) {
                    throw new IllegalStateException("a checkpoint holds one prediction sum; two tracks have one");
                }
                probabilities = t.probabilities();
                snapshots = t.snapshots();
            }
        }
        ck.save(epochsDone, net, average, probabilities, swag);
        ck.commit(new CheckpointState(epochsDone, iteration, average == null ? 0 : average.count(), snapshots, epochs, results,
                startTime, seconds, swag == null ? null : swag.count()));
    }
}
