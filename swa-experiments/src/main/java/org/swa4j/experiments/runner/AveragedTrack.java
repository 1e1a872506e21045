package org.swa4j.experiments.runner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.swa4j.core.AveragedModel;
import org.swa4j.core.AveragingListener;
import org.swa4j.core.AveragingRule;
import org.swa4j.core.BatchNormUpdate;
import org.swa4j.data.EpochIterator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.results.AtomicFiles;
import org.swa4j.experiments.train.Evaluation;

/**
 * EMA or SWA: an {@link AveragedModel} of the live network, folded in when its
 * {@link AveragingListener.Trigger} fires on the job's own step and epoch counts (EMA after every step
 * along the SGD run, SWA after every {@code every_epochs}-th epoch from {@code swa.start}), BatchNorm
 * statistics copied from the live network. Before each evaluation, one pass over augmented training
 * data recomputes the average's BatchNorm statistics ({@link BatchNormUpdate}, pass e of the
 * BatchNorm-update stream after epoch e). The model it leaves is the network evaluated last, with the
 * statistics of that evaluation.
 */
final class AveragedTrack implements Track {

    /** The progress-line part of an evaluation of an average of {@code count} networks. */
    @FunctionalInterface
    interface Line {
        String of(PredictionMetrics m, long count);
    }

    private final String method;
    private final AveragingRule rule;
    private final AveragingListener.Trigger trigger;
    private final boolean trainingColumns;
    private final List<Budget> budgets;
    private final EpochIterator batchNormData;
    private final DataSetIterator test;
    private final Path modelFile;
    private final IntFunction<Path> snapshotFile;
    private final Line line;
    private AveragedModel<ComputationGraph> average;
    private AveragingListener listener;
    private ComputationGraph evaluated;

    private AveragedTrack(String method, AveragingRule rule, AveragingListener.Trigger trigger, boolean trainingColumns,
            List<Budget> budgets, JobContext ctx, IntFunction<Path> snapshotFile, Line line) {
        this.method = method;
        this.rule = rule;
        this.trigger = trigger;
        this.trainingColumns = trainingColumns;
        this.budgets = List.copyOf(budgets);
        this.batchNormData = ctx.batchNormIterator();
        this.test = ctx.testIterator();
        this.modelFile = ctx.dir().model(method, ctx.seed());
        this.snapshotFile = snapshotFile;
        this.line = line;
    }

    /** The weight EMA {@code ema = d ema + (1 - d) w} after every step of the run it rides on. */
    static AveragedTrack ema(JobContext ctx, double decay, List<Budget> budgets) {
        return new AveragedTrack("ema", AveragingRule.ema(decay), new AveragingListener.Trigger.EveryIteration(), false, budgets, ctx,
                null, (m, n) -> String.format(Locale.ROOT, " | ema test %.2f%%", m.accuracy()));
    }

    /**
     * SWA's equal average {@code avg += (w - avg) / (n + 1)} when {@code trigger} fires after an epoch;
     * {@code snapshotFile} (null: none) names the file each network averaged in after epoch E is kept in.
     */
    static AveragedTrack swa(JobContext ctx, AveragingListener.Trigger trigger, List<Budget> budgets, IntFunction<Path> snapshotFile) {
        return new AveragedTrack("swa", AveragingRule.swa(), trigger, true, budgets, ctx, snapshotFile,
                (m, n) -> String.format(Locale.ROOT, " | swa (n=%d) test %.2f%% nll %.4f", n, m.accuracy(), m.nll()));
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public void start(ComputationGraph net, Checkpoints checkpoints, CheckpointState state) throws IOException {
        average = state != null && state.averageCount() > 0
                ? Checkpoints.loadAverage(checkpoints.average(state.epochsDone()), net, rule, state.averageCount())
                : AveragedModel.of(net, rule);
        listener = AveragingListener.of(trigger, average);
    }

    @Override
    public void afterStep(ComputationGraph net, long iteration) {
        listener.afterIteration(net, Math.toIntExact(iteration));
    }

    @Override
    public void afterEpoch(ComputationGraph net, int epoch) throws IOException {
        if (listener.afterEpoch(net, epoch) && snapshotFile != null) {
            // weights and BN statistics without updater state, atomically (a resumed run rewrites the same file)
            AtomicFiles.write(snapshotFile.apply(epoch + 1), out -> ModelSerializer.writeModel(net, out, false));
        }
    }

    @Override
    public PredictionMetrics evaluate(ComputationGraph net, int epoch) {
        if (average.count() == 0) {
            return null;
        }
        evaluated = recalibrated(epoch);
        return Evaluation.of(evaluated, test);
    }

    @Override
    public String describe(PredictionMetrics m) {
        return m == null ? "" : line.of(m, average.count());
    }

    @Override
    public boolean trainingColumns() {
        return trainingColumns;
    }

    @Override
    public List<Budget> budgets() {
        return budgets;
    }

    @Override
    public AveragedModel<?> average() {
        return average.count() > 0 ? average : null;
    }

    @Override
    public void finish(int lastEpoch) throws IOException {
        if (evaluated == null) {
            // resumed after the last epoch's commit: recompute the statistics of that evaluation
            evaluated = recalibrated(lastEpoch);
        }
        Checkpoints.saveNet(evaluated, modelFile);
    }

    /** The average with its BatchNorm statistics recomputed on pass {@code epoch} of the BatchNorm-update stream. */
    private ComputationGraph recalibrated(int epoch) {
        ComputationGraph model = average.model();
        batchNormData.setEpoch(epoch);
        BatchNormUpdate.run(model, batchNormData);
        return model;
    }
}
