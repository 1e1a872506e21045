package org.swa4j.experiments.train;

/**
 * What one training epoch produced.
 *
 * @param meanLoss   mean minibatch score (cross-entropy + L2 term) over the epoch, NaN if diverged
 * @param accuracy   percent of training examples whose training-mode prediction was right
 * @param iterations minibatch steps taken
 * @param diverged   a step's loss was NaN or infinite; the epoch stopped there
 */
public record EpochOutcome(double meanLoss, double accuracy, long iterations, boolean diverged) {
}
