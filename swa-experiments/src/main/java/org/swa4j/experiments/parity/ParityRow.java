package org.swa4j.experiments.parity;

/**
 * One method at one budget, swa4j against the PyTorch peer: test accuracy (percent) and test NLL over
 * the seeds that finished on each side.
 *
 * @param method   sgd, ema, fge or swa
 * @param budget   multiple of the SGD budget B
 * @param accuracy swa4j's accuracies against the peer's
 * @param nll      swa4j's NLLs against the peer's
 * @param note     what a reader must know about this row ("only in swa4j", diverged runs left out), or ""
 */
public record ParityRow(String method, double budget, WelchComparison accuracy, WelchComparison nll, String note) {
}
