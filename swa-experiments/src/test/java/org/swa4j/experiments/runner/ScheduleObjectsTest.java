package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.swa4j.core.AveragingListener;
import org.swa4j.core.schedule.CyclicSchedule;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.core.schedule.SgdSchedule;
import org.swa4j.core.schedule.SwaSchedule;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;

/** The schedule objects the training loop and the dry run share, for presets of each kind, by hand. */
class ScheduleObjectsTest {

    @Test
    void theSgdAndSwaRunsReadTheReferenceSchedulesPerEpoch() {
        Preset q = Presets.load("fashion-mnist"); // B = 10, lr 0.05, swa start 6, swa lr 0.01, 15 SWA epochs
        Schedules.Rate sgd = Schedules.sgdRate(q);
        assertFalse(sgd.perIteration());
        assertEquals(new SgdSchedule(0.05, 10), sgd.schedule());
        Schedules.Rate swa = Schedules.swaRate(q, 100);
        assertFalse(swa.perIteration());
        assertEquals(new SwaSchedule(0.05, 0.01, 6, 15), swa.schedule());
        assertEquals(0.01, swa.at(999, 14), 1e-15, "per epoch: the iteration does not matter");
        AveragingListener.Trigger averaging = Schedules.swaAveraging(q);
        assertEquals(new AveragingListener.Trigger.EpochsFrom(6, 1), averaging);
        assertFalse(averaging.afterEpoch(4), "0-based epoch 4 is the reference's epoch 5 < swa_start");
        assertTrue(averaging.afterEpoch(5));
    }

    @Test
    void aConstantScheduleIsLrInitInEveryEpoch() {
        Preset a = Presets.load("ablation-fixed-lr");
        assertEquals(new FixedSchedule(0.05).valueAt(0, 0), Schedules.sgdRate(a).at(0, 7), 0.0);
        assertInstanceOf(FixedSchedule.class, Schedules.swaRate(a, 10).schedule());
    }

    @Test
    void cyclicSwaIsPerIterationWithACycleOfEveryEpochsEpochs() {
        Preset imagenet = Presets.load("imagenet-swa-pretrained"); // every_epochs 1, 1e-3 -> 1e-5
        Schedules.Rate r = Schedules.swaRate(imagenet, 5005);
        assertTrue(r.perIteration());
        CyclicSchedule c = assertInstanceOf(CyclicSchedule.class, r.schedule());
        assertEquals(5005, c.getCycle());
        // iteration 5004 (0-based) ends the first cycle at a2; 5005 starts the second: (1 - 1/5005) a1 + a2 / 5005
        assertEquals(1e-5, r.at(5004, 0), 1e-18);
        assertEquals((1 - 1.0 / 5005) * 1e-3 + 1e-5 / 5005, r.at(5005, 1), 1e-18);
    }

    @Test
    void fgeCountsItsIterationsFromItsStartInCyclesOfAFractionOfAnEpoch() {
        Preset tiny = Presets.load(TinyRun.PRESET.toString()); // 6 iterations per epoch, cycle_epochs 0.5, 0.05 -> 0.01
        FgeSchedule f = Schedules.fgeSchedule(tiny, 6);
        assertEquals(3, f.getCycleIterations(), "round(0.5 x 6)");
        assertEquals(2, Schedules.fgeSchedule(tiny, 1).getCycleIterations(), "at least 2");
        // t = 0, 1/3, 2/3: 0.05, then 0.05/3 + 0.02/3 twice; a snapshot after iterations 0, 3, ... (mod(k + 1, 3) == 1)
        assertEquals(0.05, f.valueAt(0, 0), 1e-15);
        assertEquals(0.05 / 3 + 0.02 / 3, f.valueAt(1, 0), 1e-15);
        assertTrue(f.isSnapshotIteration(0));
        assertTrue(f.isSnapshotIteration(3));
        assertFalse(f.isSnapshotIteration(1));
        assertEquals(f.getCycleIterations(), RunPlan.of(tiny).fgeCycle(), "the plan reads the same schedule");
    }
}
