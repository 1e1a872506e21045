package org.swa4j.core;

import java.util.function.Consumer;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.swa4j.core.schedule.CyclicSchedule;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.core.schedule.SwaSchedule;

/**
 * Drives an {@link AveragedModel} (or a {@link SnapshotEnsemble}) from inside DL4J's {@code fit}: a
 * {@link Trigger} says when, and the listener folds the network into its one target.
 * <ul>
 *   <li>{@link #swa}: after each epoch {@code e} (0-based) with {@code e + 1 >= swa_start} and
 *       {@code (e + 1 - swa_start) mod c == 0} ({@code timgaripov/swa train.py}; {@link Trigger.EpochsFrom}).</li>
 *   <li>{@link #atCycleEnds}: after the last (lowest-rate) iteration of each cycle of a
 *       {@link CyclicSchedule} ({@link Trigger.CycleEnds}).</li>
 *   <li>{@link #everyIteration}: after every iteration, the weight EMA ({@link Trigger.EveryIteration}).</li>
 *   <li>{@link #fgeSnapshots}: a snapshot into a {@link SnapshotEnsemble} or {@link SnapshotPredictions}
 *       after the iteration at the minimum of each {@link FgeSchedule} cycle ({@link Trigger.FgeMinima}).</li>
 *   <li>{@link #of}: any trigger, for an average.</li>
 * </ul>
 * On resume, a position (iteration) the average already holds is not folded in again.
 *
 * <p>Inside {@code fit} the trigger sees DL4J's counters: epoch-based triggers need
 * {@code fit(DataSetIterator)} (DL4J fires {@code onEpochEnd} there, before the epoch counter
 * increments). A training loop of one's own, which fits batch by batch or counts from a branch point
 * (FGE from an SGD checkpoint), calls {@link #afterIteration(Model, int)} and
 * {@link #afterEpoch(Model, int)} with its own counts instead of adding the listener to the network.
 *
 * <p>Rejects (IllegalArgumentException): a null average, ensemble, predictions, trigger or schedule,
 * {@code swa_start < 1}, {@code c < 1}.
 */
public final class AveragingListener extends BaseTrainingListener {

    /** When the listener folds the network in; iterations and epochs are DL4J's 0-based counters. */
    public interface Trigger {

        /** Whether to fold after iteration {@code iteration}. */
        default boolean afterIteration(int iteration) {
            return false;
        }

        /** Whether to fold after epoch {@code epoch}. */
        default boolean afterEpoch(int epoch) {
            return false;
        }

        /** After epochs {@code start, start + every, ...} (1-based, as the reference's {@code swa_start}). */
        record EpochsFrom(int start, int every) implements Trigger {

            public EpochsFrom {
                if (start < 1) {
                    throw new IllegalArgumentException("swa_start must be >= 1 (1-based epoch), got " + start);
                }
                if (every < 1) {
                    throw new IllegalArgumentException("c (epochs between averages) must be >= 1, got " + every);
                }
            }

            @Override
            public boolean afterEpoch(int epoch) {
                return epoch + 1 >= start && (epoch + 1 - start) % every == 0;
            }
        }

        /** After every iteration. */
        record EveryIteration() implements Trigger {

            @Override
            public boolean afterIteration(int iteration) {
                return true;
            }
        }

        /** After the last iteration of each cycle of a cyclic schedule. */
        record CycleEnds(CyclicSchedule schedule) implements Trigger {

            public CycleEnds {
                requireNonNull("schedule", schedule);
            }

            @Override
            public boolean afterIteration(int iteration) {
                return schedule.isCycleEnd(iteration);
            }
        }

        /**
         * After the iteration at the minimum of each FGE cycle ({@link FgeSchedule#isSnapshotIteration}); with
         * the reference's cycles of whole epochs, the last iteration of the epoch after which {@code fge.py}
         * takes its snapshot.
         */
        record FgeMinima(FgeSchedule schedule) implements Trigger {

            public FgeMinima {
                requireNonNull("schedule", schedule);
            }

            @Override
            public boolean afterIteration(int iteration) {
                return schedule.isSnapshotIteration(iteration);
            }
        }
    }

    private final Trigger trigger;
    private final Consumer<Model> target;

    private AveragingListener(Trigger trigger, Consumer<Model> target) {
        requireNonNull("trigger", trigger);
        this.trigger = trigger;
        this.target = target;
    }

    /** Folds into {@code average} whenever {@code trigger} says so (a position already held is skipped on resume). */
    public static AveragingListener of(Trigger trigger, AveragedModel<?> average) {
        requireNonNull("average", average);
        return new AveragingListener(trigger, model -> {
            if (average.count() > 0 && BaseOptimizer.getIterationCount(model) <= average.lastIteration()
                    && BaseOptimizer.getEpochCount(model) <= average.lastEpoch()) {
                return;
            }
            average.update(model);
        });
    }

    /** Averages after epochs {@code swaStart, swaStart + c, ...} (1-based, as in the reference). */
    public static AveragingListener swa(AveragedModel<?> average, int swaStart, int c) {
        return of(new Trigger.EpochsFrom(swaStart, c), average);
    }

    /** Averages after every {@code c}-th epoch from the schedule's {@code swa_start}. */
    public static AveragingListener swa(AveragedModel<?> average, SwaSchedule schedule, int c) {
        requireNonNull("schedule", schedule);
        return swa(average, schedule.getSwaStart(), c);
    }

    /** Averages after the last iteration of every cycle of {@code schedule}. */
    public static AveragingListener atCycleEnds(AveragedModel<?> average, CyclicSchedule schedule) {
        return of(new Trigger.CycleEnds(schedule), average);
    }

    /** Averages after every iteration (weight EMA along the SGD trajectory). */
    public static AveragingListener everyIteration(AveragedModel<?> average) {
        return of(new Trigger.EveryIteration(), average);
    }

    /** Adds a snapshot to {@code ensemble} after the iteration at each FGE cycle's minimum. */
    public static AveragingListener fgeSnapshots(SnapshotEnsemble ensemble, FgeSchedule schedule) {
        requireNonNull("ensemble", ensemble);
        return new AveragingListener(new Trigger.FgeMinima(schedule), ensemble::add);
    }

    /**
     * Adds the network's predictions to {@code predictions} after the iteration at each FGE cycle's
     * minimum ({@code fge.py}'s running sum).
     */
    public static AveragingListener fgeSnapshots(SnapshotPredictions predictions, FgeSchedule schedule) {
        requireNonNull("predictions", predictions);
        return new AveragingListener(new Trigger.FgeMinima(schedule), predictions::add);
    }

    /** The trigger. */
    public Trigger trigger() {
        return trigger;
    }

    /**
     * Folds {@code model} in if the trigger fires after {@code iteration}, the caller's own 0-based count
     * of the steps taken (for a loop that does not go through {@code fit}'s listener calls).
     *
     * @return whether the trigger fired (an average skips a position it already holds)
     */
    public boolean afterIteration(Model model, int iteration) {
        return fire(trigger.afterIteration(iteration), model);
    }

    /**
     * Folds {@code model} in if the trigger fires after {@code epoch}, the caller's own 0-based count of
     * the epochs done (DL4J's epoch counter moves only in {@code fit(DataSetIterator)}).
     *
     * @return whether the trigger fired (an average skips a position it already holds)
     */
    public boolean afterEpoch(Model model, int epoch) {
        return fire(trigger.afterEpoch(epoch), model);
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        afterIteration(model, iteration);
    }

    @Override
    public void onEpochEnd(Model model) {
        afterEpoch(model, BaseOptimizer.getEpochCount(model));
    }

    private boolean fire(boolean fires, Model model) {
        if (fires) {
            target.accept(model);
        }
        return fires;
    }

    private static void requireNonNull(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }
}
