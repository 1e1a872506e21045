package org.swa4j.core;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.swa4j.core.schedule.CyclicSchedule;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.core.schedule.SwaSchedule;

/**
 * Drives an {@link AveragedModel} (or a {@link SnapshotEnsemble}) from inside DL4J's {@code fit}:
 * <ul>
 *   <li>{@link #swa}: after each epoch {@code e} (0-based) with {@code e + 1 >= swa_start} and
 *       {@code (e + 1 - swa_start) mod c == 0} ({@code timgaripov/swa train.py}).</li>
 *   <li>{@link #atCycleEnds}: after the last (lowest-rate) iteration of each cycle of a
 *       {@link CyclicSchedule}.</li>
 *   <li>{@link #everyIteration}: after every iteration (weight EMA).</li>
 *   <li>{@link #fgeSnapshots}: a snapshot into a {@link SnapshotEnsemble} after each epoch at the
 *       minimum of an {@link FgeSchedule} cycle.</li>
 * </ul>
 * On resume, a position (iteration) the average already holds is not folded in again. Epoch-based
 * triggers need {@code fit(DataSetIterator)} (DL4J fires {@code onEpochEnd} there, before the epoch
 * counter increments).
 *
 * <p>Rejects (IllegalArgumentException): a null average, ensemble or schedule, {@code swa_start < 1},
 * {@code c < 1}.
 */
public final class AveragingListener extends BaseTrainingListener {

    private interface Trigger {
        boolean afterIteration(int iteration);

        boolean afterEpoch(int epoch);
    }

    private final AveragedModel average;
    private final SnapshotEnsemble ensemble;
    private final Trigger trigger;

    private AveragingListener(AveragedModel average, SnapshotEnsemble ensemble, Trigger trigger) {
        this.average = average;
        this.ensemble = ensemble;
        this.trigger = trigger;
    }

    /** Averages after epochs {@code swaStart, swaStart + c, ...} (1-based, as in the reference). */
    public static AveragingListener swa(AveragedModel average, int swaStart, int c) {
        requireNonNull("average", average);
        if (swaStart < 1) {
            throw new IllegalArgumentException("swa_start must be >= 1 (1-based epoch), got " + swaStart);
        }
        if (c < 1) {
            throw new IllegalArgumentException("c (epochs between averages) must be >= 1, got " + c);
        }
        return new AveragingListener(average, null, new Trigger() {
            @Override
            public boolean afterIteration(int iteration) {
                return false;
            }

            @Override
            public boolean afterEpoch(int epoch) {
                return epoch + 1 >= swaStart && (epoch + 1 - swaStart) % c == 0;
            }
        });
    }

    /** Averages after every {@code c}-th epoch from the schedule's {@code swa_start}. */
    public static AveragingListener swa(AveragedModel average, SwaSchedule schedule, int c) {
        requireNonNull("schedule", schedule);
        if (!schedule.isSwa()) {
            throw new IllegalArgumentException("schedule is the SGD variant (no swa_start): " + schedule);
        }
        return swa(average, schedule.getSwaStart(), c);
    }

    /** Averages after the last iteration of every cycle of {@code schedule}. */
    public static AveragingListener atCycleEnds(AveragedModel average, CyclicSchedule schedule) {
        requireNonNull("average", average);
        requireNonNull("schedule", schedule);
        return new AveragingListener(average, null, new Trigger() {
            @Override
            public boolean afterIteration(int iteration) {
                return schedule.isCycleEnd(iteration);
            }

            @Override
            public boolean afterEpoch(int epoch) {
                return false;
            }
        });
    }

    /** Averages after every iteration (weight EMA along the SGD trajectory). */
    public static AveragingListener everyIteration(AveragedModel average) {
        requireNonNull("average", average);
        return new AveragingListener(average, null, new Trigger() {
            @Override
            public boolean afterIteration(int iteration) {
                return true;
            }

            @Override
            public boolean afterEpoch(int epoch) {
                return false;
            }
        });
    }

    /** Adds a snapshot to {@code ensemble} after each epoch at an FGE cycle's minimum. */
    public static AveragingListener fgeSnapshots(SnapshotEnsemble ensemble, FgeSchedule schedule) {
        requireNonNull("ensemble", ensemble);
        requireNonNull("schedule", schedule);
        return new AveragingListener(null, ensemble, new Trigger() {
            @Override
            public boolean afterIteration(int iteration) {
                return false;
            }

            @Override
            public boolean afterEpoch(int epoch) {
                return schedule.isSnapshotEpoch(epoch);
            }
        });
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        if (trigger.afterIteration(iteration)) {
            fold(model);
        }
    }

    @Override
    public void onEpochEnd(Model model) {
        if (trigger.afterEpoch(BaseOptimizer.getEpochCount(model))) {
            fold(model);
        }
    }

    private void fold(Model model) {
        if (ensemble != null) {
            ensemble.add(model);
            return;
        }
        if (average.count() > 0 && BaseOptimizer.getIterationCount(model) <= average.lastIteration()
                && BaseOptimizer.getEpochCount(model) <= average.lastEpoch()) {
            return;
        }
        average.update(model);
    }

    private static void requireNonNull(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }
}
