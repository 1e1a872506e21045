package org.swa4j.experiments.results;

/**
 * The final test metrics of a method at one budget (a multiple of the SGD budget B).
 *
 * @param budget   1, 1.25 or 1.5 (multiples of B)
 * @param epochs   epochs of training behind this result
 * @param accuracy test accuracy in percent
 * @param nll      test negative log-likelihood
 * @param ece      test expected calibration error in percent
 */
public record BudgetResult(double budget, int epochs, double accuracy, double nll, double ece) {
}
