package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.experiments.preset.Presets;

/** The runner's rates against the reference formulas and core's schedules. */
class SchedulesTest {

    @Test
    void fgeIterationScheduleEqualsCoreFgeScheduleForEvenCycles() {
        int perEpoch = 7;
        for (int cycleEpochs : new int[] {2, 4}) {
            FgeSchedule core = new FgeSchedule(0.05, 0.01, cycleEpochs, perEpoch, 0);
            long cycle = (long) cycleEpochs * perEpoch;
            for (int i = 0; i < 5 * cycle; i++) {
                int epoch = i / perEpoch;
                assertEquals(core.valueAt(i, epoch), Schedules.fge(i, cycle, 0.05, 0.01), 1e-12, "iteration " + i);
                boolean endOfEpoch = (i + 1) % perEpoch == 0;
                assertEquals(endOfEpoch && core.isSnapshotEpoch(epoch), Schedules.fgeSnapshot(i, cycle), "iteration " + i);
            }
        }
    }

    @Test
    void fgeByHand() {
        // cycle of 4 iterations: t = 0, .25, .5, .75 -> lr1, (lr1+lr2)/2, lr2, (lr1+lr2)/2; snapshot after i = 1 (t = .25 step)
        assertEquals(0.05, Schedules.fge(0, 4, 0.05, 0.01), 1e-15);
        assertEquals(0.03, Schedules.fge(1, 4, 0.05, 0.01), 1e-15);
        assertEquals(0.01, Schedules.fge(2, 4, 0.05, 0.01), 1e-15);
        assertEquals(0.03, Schedules.fge(3, 4, 0.05, 0.01), 1e-15);
        assertEquals(0.05, Schedules.fge(4, 4, 0.05, 0.01), 1e-15);
        assertEquals(true, Schedules.fgeSnapshot(1, 4));
        assertEquals(false, Schedules.fgeSnapshot(2, 4));
    }

    @Test
    void sgdAndSwaFollowTheReferenceTable() {
        var q = Presets.load("fashion-mnist"); // B = 10, lr 0.05, swa start 6, swa lr 0.01, 15 SWA epochs
        // SGD: t = e/10; flat to t = .5, then 1 - .99 (t - .5)/.4, then .01
        assertEquals(0.05, Schedules.sgd(q, 5), 1e-15);
        assertEquals(0.05 * (1 - 0.99 * 0.2 / 0.4), Schedules.sgd(q, 7), 1e-15);
        assertEquals(0.0005, Schedules.sgd(q, 9), 1e-15);
        // SWA: t = e/6, ratio .2; e = 4: t = .667 -> 1 - .8 (.1667)/.4
        assertEquals(0.05, Schedules.swa(q, 3), 1e-15);
        assertEquals(0.05 * (1 - 0.8 * (4.0 / 6 - 0.5) / 0.4), Schedules.swa(q, 4), 1e-12);
        assertEquals(0.01, Schedules.swa(q, 14), 1e-15);
    }

    @Test
    void constantScheduleKeepsLrInitInEveryEpoch() {
        var a = Presets.load("ablation-fixed-lr"); // lr_schedule constant, lr_init 0.05 = swa.lr
        for (int e = 0; e < a.swaEpochs(); e++) {
            assertEquals(0.05, Schedules.sgd(a, e), 0.0, "sgd epoch " + e);
            assertEquals(0.05, Schedules.swa(a, e), 0.0, "swa epoch " + e);
        }
        // the same preset with the reference schedule decays: B = 8, e = 7: t = .875 -> 1 - .99 (.375)/.4
        var reference = new org.swa4j.experiments.preset.Preset(a.name(), a.description(), a.dataset(), a.model(), a.layers(),
                a.trainLimit(), a.testLimit(), a.augment(), a.seeds(), a.batchSize(), a.budgetEpochs(), a.lrInit(), "reference",
                a.momentum(), a.weightDecay(), a.methods(), a.ema(), a.fge(), a.swa(), a.pretrained(), a.paper());
        assertEquals(8, a.budgetEpochs());
        assertEquals(0.05 * (1 - 0.99 * 0.375 / 0.4), Schedules.sgd(reference, 7), 1e-15);
    }

    @Test
    void cyclicByHand() {
        // c = 4: i (1-based) = 1..4 -> t = .25, .5, .75, 1: lr = .75 a1 + .25 a2, ... a2
        assertEquals(0.75 * 1e-3 + 0.25 * 1e-5, Schedules.cyclic(0, 4, 1e-3, 1e-5), 1e-15);
        assertEquals(1e-5, Schedules.cyclic(3, 4, 1e-3, 1e-5), 1e-15);
        assertEquals(0.75 * 1e-3 + 0.25 * 1e-5, Schedules.cyclic(4, 4, 1e-3, 1e-5), 1e-15);
    }
}
