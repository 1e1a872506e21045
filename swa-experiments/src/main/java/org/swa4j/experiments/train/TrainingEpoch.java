package org.swa4j.experiments.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.data.EpochIterator;

/**
 * One pass of minibatch SGD over pass {@code epoch} of a training iterator, with a hook before each
 * step (per-iteration learning rates) and after it (EMA updates, FGE snapshots). ND4J's random
 * generator is reseeded first ({@link RunSeeds#trainingPass}), so an epoch computes the same thing
 * whether the run was interrupted before it or not. A NaN or infinite loss stops the epoch and marks it diverged;
 * the after-step hook is not called for that step. A stop request ({@link StopRequest}: SIGTERM,
 * SIGINT) ends the pass before the next step with {@link StopRequest.Stopped}.
 */
public final class TrainingEpoch {

    /** Called with the job's global iteration index (0-based) around each step. */
    @FunctionalInterface
    public interface StepHook {
        void at(long iteration) throws java.io.IOException;
    }

    private TrainingEpoch() {
    }

    /** Trains {@code net} on pass {@code epoch}; {@code firstIteration} is the job's iteration count before it. */
    public static EpochOutcome run(ComputationGraph net, EpochIterator train, int epoch, long seed, long firstIteration,
            TrainAccuracyListener accuracy, StepHook before, StepHook after) throws java.io.IOException {
        Nd4j.getRandom().setSeed(RunSeeds.trainingPass(seed, epoch));
        train.setEpoch(epoch);
        accuracy.reset();
        double lossSum = 0;
        long steps = 0;
        long iteration = firstIteration;
        while (train.hasNext()) {
            StopRequest.check(epoch, steps);
            DataSet batch = train.next();
            if (before != null) {
                before.at(iteration);
            }
            accuracy.setLabels(batch.getLabels());
            net.fit(batch);
            double loss = net.score();
            if (!Double.isFinite(loss)) {
                return new EpochOutcome(Double.NaN, Double.NaN, steps + 1, true);
            }
            lossSum += loss;
            steps++;
            if (after != null) {
                after.at(iteration);
            }
            iteration++;
        }
        if (steps == 0) {
            throw new IllegalArgumentException("training pass " + epoch + " produced no batches");
        }
        return new EpochOutcome(lossSum / steps, 100.0 * accuracy.correct() / accuracy.seen(), steps, false);
    }
}
