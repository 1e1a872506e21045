package org.swa4j.experiments.geometry;

/**
 * What one point of weight space costs and gives: after the BN statistics were recomputed for it,
 * the training loss (mean cross-entropy over the training data plus the network's own
 * regularisation term, {@code 0.5 * l2 * ||w||^2} for DL4J's {@code l2}), the training error, the
 * test loss (mean cross-entropy, no regularisation) and the test error, errors in percent.
 * A metric that was not evaluated is {@code NaN}.
 */
public record PointMetrics(double trainLoss, double trainError, double testLoss, double testError) {
}
