package org.swa4j.experiments.runner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.core.AveragingListener;
import org.swa4j.core.SnapshotPredictions;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.experiments.metrics.MetricsAccumulator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.results.ResultsDirectory;

/**
 * FGE: a snapshot at the minimum of each cycle of its {@link FgeSchedule} (the job's step count from
 * FGE's start), whose test probabilities are added to a running sum when it is taken, as in
 * {@code fge.py} ({@link SnapshotPredictions}); each snapshot is also saved as
 * {@code models/fge-seedK-snapshotN.zip}. The ensemble's prediction is the sum over the snapshots; its
 * BatchNorm statistics are the snapshots' own.
 */
final class EnsembleTrack implements Track {

    private final FgeSchedule schedule;
    private final DataSetIterator test;
    private final INDArray labels;
    private final ResultsDirectory dir;
    private final int seed;
    private final List<Budget> budgets;
    private SnapshotPredictions predictions;
    private AveragingListener listener;

    EnsembleTrack(JobContext ctx, FgeSchedule schedule, List<Budget> budgets) {
        this.schedule = schedule;
        this.test = ctx.testIterator();
        this.labels = labels(test);
        this.dir = ctx.dir();
        this.seed = ctx.seed();
        this.budgets = List.copyOf(budgets);
    }

    @Override
    public String method() {
        return "fge";
    }

    @Override
    public void start(ComputationGraph net, Checkpoints checkpoints, CheckpointState state) throws IOException {
        predictions = state != null && state.snapshots() > 0
                ? SnapshotPredictions.resume(test, Checkpoints.loadArray(checkpoints.probabilities(state.epochsDone())), state.snapshots())
                : SnapshotPredictions.on(test);
        listener = AveragingListener.fgeSnapshots(predictions, schedule);
    }

    @Override
    public void afterStep(ComputationGraph net, long iteration) throws IOException {
        if (listener.afterIteration(net, Math.toIntExact(iteration))) {
            Checkpoints.saveNet(net, dir.fgeSnapshot(seed, predictions.size()));
        }
    }

    @Override
    public PredictionMetrics evaluate(ComputationGraph net, int epoch) {
        if (predictions.size() == 0) {
            return null;
        }
        MetricsAccumulator metrics = new MetricsAccumulator();
        metrics.add(predictions.mean(), labels);
        return metrics.result();
    }

    @Override
    public String describe(PredictionMetrics m) {
        return m == null ? "" : String.format(Locale.ROOT, " | fge (%d snapshots) test %.2f%% nll %.4f", predictions.size(),
                m.accuracy(), m.nll());
    }

    @Override
    public List<Budget> budgets() {
        return budgets;
    }

    @Override
    public INDArray probabilities() {
        return predictions.sum();
    }

    @Override
    public int snapshots() {
        return predictions.size();
    }

    /** The one-hot test labels in the order of the test batches, as doubles. */
    private static INDArray labels(DataSetIterator test) {
        List<INDArray> parts = new ArrayList<>();
        test.reset();
        while (test.hasNext()) {
            parts.add(test.next().getLabels().castTo(DataType.DOUBLE));
        }
        test.reset();
        return Nd4j.vstack(parts.toArray(INDArray[]::new));
    }
}
