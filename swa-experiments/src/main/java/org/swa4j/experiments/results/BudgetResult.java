package org.swa4j.experiments.results;

import org.swa4j.experiments.metrics.Reliability;

/**
 * The final test metrics of a method at one budget (a multiple of the SGD budget B).
 *
 * @param budget      1, 1.25 or 1.5 (multiples of B)
 * @param epochs      epochs of training behind this result
 * @param accuracy    test accuracy in percent
 * @param nll         test negative log-likelihood
 * @param ece         test expected calibration error in percent
 * @param reliability the ECE's 15 bins (mean confidence and accuracy in percent, count); null in records
 *                    written before it was recorded
 */
public record BudgetResult(double budget, int epochs, double accuracy, double nll, double ece, Reliability reliability) {

    /** A result without its reliability diagram. */
    public BudgetResult(double budget, int epochs, double accuracy, double nll, double ece) {
        this(budget, epochs, accuracy, nll, ece, null);
    }
}
