package org.swa4j.experiments.results;

/**
 * Metrics of one method after one epoch (1-based). Fields that do not exist for a method are
 * null: an averaged model has no training loss of its own, FGE has no single learning rate
 * after its first snapshot.
 *
 * @param epoch         1-based epoch of the run that produced this row
 * @param lr            learning rate of the epoch's last iteration
 * @param trainLoss     mean minibatch training loss over the epoch (cross-entropy + L2 term, DL4J score)
 * @param trainAccuracy percent of training examples classified correctly during the epoch (training mode)
 * @param testLoss      test negative log-likelihood (nats)
 * @param testAccuracy  test accuracy in percent
 * @param testEce       test expected calibration error in percent
 * @param seconds       wall-clock seconds since the run started (including evaluation)
 * @param iterations    training steps in the epoch (null for a method that does not train, and in records
 *                      written before it was recorded); the report draws per-iteration rates from it
 */
public record EpochMetrics(int epoch, Double lr, Double trainLoss, Double trainAccuracy, Double testLoss,
        Double testAccuracy, Double testEce, double seconds, Long iterations) {

    /** A row without a step count (a method that does not train: EMA, an evaluation). */
    public EpochMetrics(int epoch, Double lr, Double trainLoss, Double trainAccuracy, Double testLoss, Double testAccuracy,
            Double testEce, double seconds) {
        this(epoch, lr, trainLoss, trainAccuracy, testLoss, testAccuracy, testEce, seconds, null);
    }
}
