package org.swa4j.experiments.runner;

import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.swa4j.core.AveragingListener;
import org.swa4j.core.schedule.CyclicSchedule;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.core.schedule.SgdSchedule;
import org.swa4j.core.schedule.SwaSchedule;
import org.swa4j.experiments.preset.Preset;

/**
 * The learning rates and averaging points of the three training runs of a preset, as the
 * {@code org.swa4j.core} objects that the training loop ({@link TrainingEngine}) reads and the dry run
 * ({@link RunPlan}) prints, so that the two cannot disagree. Epochs and iterations are the job's own
 * 0-based counts, so a resumed run uses the same rates.
 *
 * <pre>
 * sgd/swa (timgaripov/swa train.py), epoch e: SgdSchedule, SwaSchedule (t = e / B or e / swa.start)
 * sgd/swa with "lr_schedule": "constant" (paper Section 5.4): lr = lr_init in every epoch
 * cyclic SWA (paper, ImageNet): CyclicSchedule per iteration, cycle every_epochs epochs
 * fge (dnn-mode-connectivity fge.py): FgeSchedule per iteration from FGE's start, cycle
 *   max(2, round(cycle_epochs * iterations per epoch)) iterations, which may be a fraction of an epoch
 * SWA averages after epochs swa.start, swa.start + every_epochs, ... (1-based; Trigger.EpochsFrom)
 * </pre>
 */
public final class Schedules {

    private Schedules() {
    }

    /** The learning rate of a run: a schedule read once per epoch, or before every step. */
    public record Rate(ISchedule schedule, boolean perIteration) {

        /** The rate of step {@code iteration} (the job's count) in {@code epoch}. */
        public double at(long iteration, int epoch) {
            return schedule.valueAt(perIteration ? Math.toIntExact(iteration) : 0, epoch);
        }
    }

    /** The SGD run's rate (and that of FGE's SGD prefix, with {@link Preset#fgeRun()}): per epoch. */
    public static Rate sgdRate(Preset p) {
        return new Rate(p.constantLr() ? new FixedSchedule(p.lrInit()) : new SgdSchedule(p.lrInit(), p.budgetEpochs()), false);
    }

    /** The SWA run's rate: per epoch, or the cyclic schedule per iteration. */
    public static Rate swaRate(Preset p, long iterationsPerEpoch) {
        Preset.SwaOptions o = p.swa();
        if (cyclicSwa(p)) {
            long cycle = (long) o.everyEpochs() * iterationsPerEpoch;
            return new Rate(new CyclicSchedule(o.cyclicLr1(), o.cyclicLr2(), Math.toIntExact(cycle)), true);
        }
        return swaPerEpoch(p);
    }

    private static Rate swaPerEpoch(Preset p) {
        return new Rate(p.constantLr() ? new FixedSchedule(p.lrInit())
                : new SwaSchedule(p.lrInit(), p.swa().lr(), p.swa().start(), p.swaEpochs()), false);
    }

    /** Whether the SWA run has the cyclic per-iteration schedule ({@code "schedule": "cyclic"}). */
    public static boolean cyclicSwa(Preset p) {
        return "cyclic".equals(p.swa().schedule());
    }

    /** When the SWA run folds its network into the average: after epochs swa.start, + every_epochs, ... */
    public static AveragingListener.Trigger swaAveraging(Preset p) {
        return new AveragingListener.Trigger.EpochsFrom(p.swa().start(), p.swa().everyEpochs());
    }

    /** FGE's cycle in iterations: round(cycle_epochs x iterations per epoch), at least 2. */
    private static long fgeCycle(Preset p, long iterationsPerEpoch) {
        return Math.max(2, Math.round(p.fge().cycleEpochs() * iterationsPerEpoch));
    }

    /** FGE's triangular rate and snapshot points, iterations counted from FGE's first epoch. */
    public static FgeSchedule fgeSchedule(Preset p, long iterationsPerEpoch) {
        return FgeSchedule.ofIterations(p.fge().lr1(), p.fge().lr2(), Math.toIntExact(fgeCycle(p, iterationsPerEpoch)), 0);
    }
}
