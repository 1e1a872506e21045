package org.swa4j.experiments.runner;

import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.train.Evaluation;

/** SGD: the live network itself, evaluated on the test set after every epoch. */
final class LiveTrack implements Track {

    private final String method;
    private final DataSetIterator test;
    private final List<Budget> budgets;

    LiveTrack(String method, DataSetIterator test, List<Budget> budgets) {
        this.method = method;
        this.test = test;
        this.budgets = List.copyOf(budgets);
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public void start(ComputationGraph net, Checkpoints checkpoints, CheckpointState state) {
    }

    @Override
    public PredictionMetrics evaluate(ComputationGraph net, int epoch) {
        return Evaluation.of(net, test);
    }

    @Override
    public String describe(PredictionMetrics m) {
        return String.format(Locale.ROOT, " test %.2f%% nll %.4f", m.accuracy(), m.nll());
    }

    @Override
    public List<Budget> budgets() {
        return budgets;
    }
}
