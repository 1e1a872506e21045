package org.swa4j.experiments.runner;

import org.swa4j.core.schedule.CyclicSchedule;
import org.swa4j.core.schedule.SgdSchedule;
import org.swa4j.core.schedule.SwaSchedule;
import org.swa4j.experiments.preset.Preset;

/**
 * The learning rates of the four methods, as pure functions of counters the runner keeps (so a
 * resumed run uses the same rates).
 *
 * <pre>
 * sgd/swa (timgaripov/swa train.py), epoch e 0-based:
 *   t = e / T   (T = B for SGD, swa.start for SWA);  r = 0.01 (SGD) or swa.lr / lr_init (SWA)
 *   lr = lr_init * (1 if t <= 0.5; 1 - (1 - r)(t - 0.5)/0.4 if t <= 0.9; r otherwise)
 * sgd/swa with "lr_schedule": "constant" (paper Section 5.4): lr = lr_init in every epoch
 * fge (dnn-mode-connectivity fge.py), iteration i 0-based since FGE's start, cycle C iterations:
 *   t = (i mod C) / C;  lr = a1 (1 - 2t) + a2 2t if t < 0.5, else a1 (2t - 1) + a2 (2 - 2t)
 * cyclic SWA (paper, ImageNet), iteration i 1-based, cycle c iterations:
 *   t = (mod(i - 1, c) + 1) / c;  lr = (1 - t) a1 + t a2
 * </pre>
 * SGD, SWA and cyclic rates come from {@code org.swa4j.core.schedule} ({@link SwaSchedule},
 * {@link CyclicSchedule}). The FGE rate is {@code FgeSchedule}'s formula counted in iterations, so that
 * a cycle may be a fraction of an epoch (small CPU presets); for an even whole number of epochs per
 * cycle it equals {@code FgeSchedule} (checked by a test).
 */
public final class Schedules {

    private Schedules() {
    }

    static double sgd(Preset p, int epoch) {
        if (p.constantLr()) {
            return p.lrInit();
        }
        return new SgdSchedule(p.lrInit(), p.budgetEpochs()).valueAt(0, epoch);
    }

    static double swa(Preset p, int epoch) {
        if (p.constantLr()) {
            return p.lrInit();
        }
        return new SwaSchedule(p.lrInit(), p.swa().lr(), p.swa().start(), p.swaEpochs()).valueAt(0, epoch);
    }

    public static double fge(long iteration, long cycle, double lr1, double lr2) {
        double t = (double) (iteration % cycle) / cycle;
        return t < 0.5 ? lr1 * (1.0 - 2.0 * t) + lr2 * 2.0 * t : lr1 * (2.0 * t - 1.0) + lr2 * (2.0 - 2.0 * t);
    }

    /** Whether FGE takes a snapshot after iteration {@code iteration} (0-based): at each cycle's minimum. */
    public static boolean fgeSnapshot(long iteration, long cycle) {
        return (iteration + 1) % cycle == cycle / 2;
    }

    /**
     * Whether the SWA run folds its weights into the average after epoch {@code epoch} (1-based): from
     * {@code swa.start} on, every {@code swa.every_epochs} epochs (timgaripov/swa {@code train.py}).
     */
    public static boolean swaAveragesAfter(Preset p, int epoch) {
        return epoch >= p.swa().start() && (epoch - p.swa().start()) % p.swa().everyEpochs() == 0;
    }

    /** Cyclic SWA rate after {@code iteration} (0-based) steps of the job. */
    public static double cyclic(long iteration, long cycle, double lr1, double lr2) {
        return new CyclicSchedule(lr1, lr2, Math.toIntExact(cycle)).valueAt(Math.toIntExact(iteration), 0);
    }
}
