package org.swa4j.experiments.metrics;

/**
 * Test-set metrics of a classifier's predicted probabilities.
 *
 * @param examples    number of examples evaluated
 * @param accuracy    percent of examples whose most probable class is the label
 * @param nll         mean negative log-likelihood {@code -1/N sum log p_i[y_i]} (nats)
 * @param ece         expected calibration error in percent (see {@link MetricsAccumulator})
 * @param reliability the ECE's bins ({@link Reliability}), or null where it was not kept
 */
public record PredictionMetrics(long examples, double accuracy, double nll, double ece, Reliability reliability) {

    /** Metrics without their reliability diagram. */
    public PredictionMetrics(long examples, double accuracy, double nll, double ece) {
        this(examples, accuracy, nll, ece, null);
    }
}
