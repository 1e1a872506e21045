package org.swa4j.experiments.runner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.swa4j.core.AveragingListener;
import org.swa4j.core.Swag;
import org.swa4j.data.EpochIterator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.swag.SwagEvaluation;

/**
 * SWAG along the SWA run, at no extra training: {@link Swag#collect} of the live network whenever SWA's
 * {@link AveragingListener.Trigger} fires (the same trigger object SWA's average uses), the SWAG's state
 * in the job's checkpoint ({@code swag-E.bin}) so that a resumed run continues bit for bit. At each SWAG
 * budget (after epoch round(b B)) it evaluates the Bayesian model average of {@code swag.samples} draws
 * ({@link SwagEvaluation}: sample s BatchNorm-updated on pass e + s of the BatchNorm-update stream, e the
 * 0-based epoch, whose pass e is the one SWA's own evaluation after that epoch uses) and writes the SWAG's
 * state and probabilities ({@code models/swag-seedK.bin}, {@code models/swag-seedK-probs.bin}); between
 * budgets there is nothing to evaluate. Its record carries the SWA run's training columns.
 */
final class SwagTrack implements Track {

    private final AveragingListener.Trigger trigger;
    private final Preset.SwagOptions settings;
    private final List<Budget> budgets;
    private final List<Double> budgetValues;
    private final EpochIterator batchNormData;
    private final DataSetIterator test;
    private final int[] labels;
    private final ResultsDirectory dir;
    private final int seed;
    private Swag<ComputationGraph> swag;

    SwagTrack(JobContext ctx, AveragingListener.Trigger trigger) {
        Preset p = ctx.preset();
        this.trigger = trigger;
        this.settings = p.swagOptions();
        this.budgetValues = p.swagBudgets();
        List<Budget> b = new ArrayList<>();
        for (double v : budgetValues) {
            b.add(new Budget(v, p.epochsAt(v)));
        }
        this.budgets = List.copyOf(b);
        this.batchNormData = ctx.batchNormIterator();
        this.test = ctx.testIterator();
        this.labels = SwagEvaluation.labels(test);
        this.dir = ctx.dir();
        this.seed = ctx.seed();
    }

    @Override
    public String method() {
        return "swag";
    }

    @Override
    public void start(ComputationGraph net, Checkpoints checkpoints, CheckpointState state) throws IOException {
        swag = SwagEvaluation.create(net, settings.rank());
        if (state != null && state.swagCount() != null && state.swagCount() > 0) {
            Checkpoints.loadSwag(checkpoints.swag(state.epochsDone()), swag, state.swagCount());
        }
    }

    @Override
    public void afterStep(ComputationGraph net, long iteration) {
        if (trigger.afterIteration(Math.toIntExact(iteration))) {
            swag.collect(net);
        }
    }

    @Override
    public void afterEpoch(ComputationGraph net, int epoch) {
        if (trigger.afterEpoch(epoch)) {
            swag.collect(net);
        }
    }

    @Override
    public PredictionMetrics evaluate(ComputationGraph net, int epoch) throws IOException {
        for (Budget b : budgets) {
            if (b.epoch() == epoch + 1) {
                SwagEvaluation.Outcome o = SwagEvaluation.evaluate(swag, settings, seed, epoch, batchNormData, test, labels);
                SwagEvaluation.save(dir, seed, swag, budgetValues, b.budget(), b.epoch(), o, labels);
                return o.metrics();
            }
        }
        return null;
    }

    @Override
    public String describe(PredictionMetrics m) {
        return m == null ? "" : String.format(Locale.ROOT, " | swag (n=%d, K=%d, S=%d) test %.2f%% nll %.4f", swag.count(),
                swag.held(), settings.samples(), m.accuracy(), m.nll());
    }

    @Override
    public List<Budget> budgets() {
        return budgets;
    }

    @Override
    public Swag<?> swag() {
        return swag.count() > 0 ? swag : null;
    }
}
