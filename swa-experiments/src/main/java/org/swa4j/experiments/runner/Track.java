package org.swa4j.experiments.runner;

import java.io.IOException;
import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.swa4j.core.AveragedModel;
import org.swa4j.core.Swag;
import org.swa4j.experiments.metrics.PredictionMetrics;

/**
 * One method along a job's training run, with its own record ({@code runs/METHOD-seedK.json}): what it
 * takes from the live network after each step and each epoch, how it is evaluated, at which epochs its
 * results are, what of it goes into the job's checkpoint, and the model it leaves. {@link TrainingEngine}
 * calls it; the methods are {@link LiveTrack} (SGD: the live network), {@link AveragedTrack} (EMA, SWA),
 * {@link EnsembleTrack} (FGE) and {@link SwagTrack} (SWAG).
 */
interface Track {

    /** The budget {@code budget} (a multiple of B) is this track's evaluation after epoch {@code epoch} (1-based). */
    record Budget(double budget, int epoch) {
    }

    /** The method whose record this track writes. */
    String method();

    /**
     * Starts along {@code net}: fresh when {@code state} is null, else from the job's checkpoint after
     * epoch {@code state.epochsDone()} in {@code checkpoints}.
     */
    void start(ComputationGraph net, Checkpoints checkpoints, CheckpointState state) throws IOException;

    /** After training step {@code iteration} (the job's 0-based count) whose loss was finite. */
    default void afterStep(ComputationGraph net, long iteration) throws IOException {
    }

    /** After the training of epoch {@code epoch} (0-based), before any evaluation. */
    default void afterEpoch(ComputationGraph net, int epoch) throws IOException {
    }

    /** Test metrics after epoch {@code epoch} (0-based), or null while there is nothing to evaluate. */
    PredictionMetrics evaluate(ComputationGraph net, int epoch) throws IOException;

    /** This track's part of the epoch's progress line ({@code m} may be null). */
    String describe(PredictionMetrics m);

    /** Whether the record carries the run's training columns (loss, training accuracy, steps): not for EMA. */
    default boolean trainingColumns() {
        return true;
    }

    /** The results this track records, in order. */
    List<Budget> budgets();

    /** The average saved in the checkpoint ({@code average-E.bin}), or null. */
    default AveragedModel<?> average() {
        return null;
    }

    /** The prediction sum saved in the checkpoint ({@code probs-E.bin}), or null. */
    default INDArray probabilities() {
        return null;
    }

    /** The SWAG saved in the checkpoint ({@code swag-E.bin}), or null. */
    default Swag<?> swag() {
        return null;
    }

    /** Snapshots behind {@link #probabilities()}. */
    default int snapshots() {
        return 0;
    }

    /** Writes the model this track leaves, after the job's last epoch {@code lastEpoch} (0-based). */
    default void finish(int lastEpoch) throws IOException {
    }
}
