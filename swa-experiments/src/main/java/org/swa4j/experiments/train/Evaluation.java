package org.swa4j.experiments.train;

import java.util.function.Function;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.swa4j.experiments.metrics.MetricsAccumulator;
import org.swa4j.experiments.metrics.PredictionMetrics;

/**
 * Test-set evaluation: one pass over a test iterator in inference mode, the model's softmax
 * probabilities against the labels ({@link MetricsAccumulator}: accuracy, NLL, ECE). The predictor
 * is a function from a feature batch to class probabilities, so a single network and an ensemble
 * (FGE's mean of softmax) are evaluated the same way.
 */
public final class Evaluation {

    private Evaluation() {
    }

    /** Metrics of {@code net}'s inference-mode output (its output layer is softmax). */
    public static PredictionMetrics of(ComputationGraph net, DataSetIterator test) {
        return of(x -> net.output(false, x)[0], test);
    }

    /** Metrics of {@code predictor} over {@code test}, which is reset before and after. */
    public static PredictionMetrics of(Function<INDArray, INDArray> predictor, DataSetIterator test) {
        MetricsAccumulator acc = new MetricsAccumulator();
        test.reset();
        while (test.hasNext()) {
            DataSet batch = test.next();
            acc.add(predictor.apply(batch.getFeatures()), batch.getLabels());
        }
        test.reset();
        return acc.result();
    }
}
