package org.swa4j.experiments.shift;

import org.swa4j.experiments.metrics.PredictionMetrics;

/**
 * One line of {@code shift.csv}: a method's model of one seed on one evaluation set.
 *
 * @param method     sgd, ema, fge, swa, swag or multiswag
 * @param seed       the run's seed
 * @param corruption {@code clean} or a corruption's key
 * @param severity   0 for the clean test set, else 1..5
 * @param examples   test images evaluated
 * @param accuracy   percent
 * @param nll        mean negative log-likelihood (nats)
 * @param ece        expected calibration error, percent (15 bins)
 */
public record ShiftRow(String method, int seed, String corruption, int severity, long examples, double accuracy, double nll,
        double ece) {

    static ShiftRow of(String method, int seed, ShiftSet set, PredictionMetrics m) {
        return new ShiftRow(method, seed, set.corruption(), set.severity(), m.examples(), m.accuracy(), m.nll(), m.ece());
    }

    /** The value of {@code metric}: accuracy, nll or ece. */
    double value(ShiftMetric metric) {
        return switch (metric) {
            case ACCURACY -> accuracy;
            case NLL -> nll;
            case ECE -> ece;
        };
    }
}
