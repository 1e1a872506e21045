package org.swa4j.experiments.parity;

/**
 * One method at one budget, swa4j against the PyTorch peer: test accuracy (percent), test NLL and the
 * training loss of the budget's last epoch, over the seeds that finished on each side.
 *
 * @param method    sgd, ema, fge, swa, swag or multiswag
 * @param budget    multiple of the SGD budget B
 * @param accuracy  swa4j's accuracies against the peer's
 * @param nll       swa4j's NLLs against the peer's
 * @param trainLoss swa4j's training losses against the peer's: the mean score (cross-entropy + ½·wd·Σw², training
 *                  mode, the augmented batches) over the last epoch of the budget, from the records' epoch rows; a
 *                  method without its own training (MultiSWAG) has none
 * @param note      what a reader must know about this row ("only in swa4j", diverged runs left out), or ""
 */
public record ParityRow(String method, double budget, WelchComparison accuracy, WelchComparison nll, WelchComparison trainLoss,
        String note) {
}
