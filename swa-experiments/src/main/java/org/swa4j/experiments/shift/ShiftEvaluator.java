package org.swa4j.experiments.shift;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.core.BayesianAverage;
import org.swa4j.core.SnapshotPredictions;
import org.swa4j.core.Swag;
import org.swa4j.experiments.metrics.MetricsAccumulator;
import org.swa4j.experiments.metrics.PredictionMetrics;
import org.swa4j.experiments.runner.Checkpoints;
import org.swa4j.experiments.train.Evaluation;

/**
 * Evaluates a method's prediction on every {@link ShiftSet}, as the run evaluates it on its test set:
 * a saved network (sgd, ema, swa) by {@link Evaluation} batch by batch, FGE's ensemble as the mean of its
 * snapshots' softmax outputs summed in double ({@link SnapshotPredictions}, as {@code fge.py} and the run
 * compute it), SWAG's Bayesian model average with one BatchNorm update per sample for all sets, and
 * MultiSWAG's mixture of SWAG distributions. Each network file is read and each SWAG sample drawn once, and
 * then predicts every set.
 */
final class ShiftEvaluator {

    private final List<ShiftSet> sets;
    private List<INDArray> labels;

    ShiftEvaluator(List<ShiftSet> sets) {
        if (sets.isEmpty()) {
            throw new IllegalArgumentException("no evaluation set");
        }
        this.sets = List.copyOf(sets);
    }

    List<ShiftSet> sets() {
        return sets;
    }

    /** The sets' iterators, in order. */
    List<DataSetIterator> iterators() {
        return sets.stream().map(ShiftSet::iterator).toList();
    }

    /** The metrics of the network saved in {@code file} on every set. */
    List<PredictionMetrics> network(Path file) throws IOException {
        ComputationGraph net = Checkpoints.loadNet(file);
        List<PredictionMetrics> out = new ArrayList<>();
        for (ShiftSet s : sets) {
            out.add(Evaluation.of(net, s.iterator()));
        }
        return out;
    }

    /** The metrics of the mean softmax of the snapshots saved in {@code files} on every set. */
    List<PredictionMetrics> ensemble(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one snapshot file");
        }
        List<SnapshotPredictions> predictions = new ArrayList<>();
        for (ShiftSet s : sets) {
            predictions.add(SnapshotPredictions.on(s.iterator()));
        }
        for (Path f : files) {
            ComputationGraph net = Checkpoints.loadNet(f);
            predictions.forEach(p -> p.add(net));
        }
        return metrics(predictions.stream().map(SnapshotPredictions::mean).toList());
    }

    /**
     * SWAG's Bayesian model average on every set ({@link BayesianAverage}): {@code samples} draws at
     * {@code scale}, each BatchNorm-updated once on {@code bnData} and then predicting every set in turn.
     * Returns one {@code [examples, classes]} array per set.
     */
    List<INDArray> swag(Swag<?> swag, SplittableRandom rng, double scale, int samples, DataSetIterator bnData) {
        return BayesianAverage.predict(swag, rng, scale, samples, bnData, iterators());
    }

    /**
     * MultiSWAG (Wilson and Izmailov 2020): the equal-weight mixture of several SWAG predictive
     * distributions, {@code p = (1/M) sum_m p_m}, set by set. Rejects members that do not cover every set.
     */
    List<INDArray> mixture(List<List<INDArray>> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a mixture needs at least one member");
        }
        List<INDArray> out = new ArrayList<>();
        for (int d = 0; d < sets.size(); d++) {
            INDArray sum = null;
            for (List<INDArray> m : members) {
                if (m.size() != sets.size()) {
                    throw new IllegalArgumentException("a member predicts " + m.size() + " sets, not " + sets.size());
                }
                INDArray p = m.get(d).castTo(DataType.DOUBLE);
                sum = sum == null ? p.dup() : sum.addi(p);
            }
            out.add(sum.divi(members.size()));
        }
        return out;
    }

    /** The metrics of given class probabilities, one {@code [examples, classes]} array per set in order. */
    List<PredictionMetrics> metrics(List<INDArray> probabilities) {
        if (probabilities.size() != sets.size()) {
            throw new IllegalArgumentException(probabilities.size() + " probability arrays for " + sets.size() + " sets");
        }
        List<PredictionMetrics> out = new ArrayList<>();
        for (int d = 0; d < sets.size(); d++) {
            MetricsAccumulator m = new MetricsAccumulator();
            m.add(probabilities.get(d), labels().get(d).castTo(probabilities.get(d).dataType()));
            out.add(m.result());
        }
        return out;
    }

    /** The one-hot labels of each set in batch order, as doubles. */
    private List<INDArray> labels() {
        if (labels == null) {
            labels = new ArrayList<>();
            for (ShiftSet s : sets) {
                DataSetIterator it = s.iterator();
                List<INDArray> parts = new ArrayList<>();
                it.reset();
                while (it.hasNext()) {
                    parts.add(it.next().getLabels().castTo(DataType.DOUBLE));
                }
                it.reset();
                labels.add(Nd4j.vstack(parts.toArray(INDArray[]::new)));
            }
        }
        return labels;
    }
}
