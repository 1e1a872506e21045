package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.swa4j.core.schedule.CyclicSchedule;
import org.swa4j.core.schedule.FgeSchedule;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;
import org.swa4j.experiments.results.Json;

/** The runner's schedule objects ({@link Schedules}) against rates and snapshot points computed by hand. */
class SchedulesTest {

    /** Preset {@code name} with the given fields of its JSON section {@code section} (null: top level) replaced. */
    private static Preset variant(String name, String section, Map<String, Object> fields) throws IOException {
        ObjectNode root = (ObjectNode) Json.mapper().readTree(Presets.text(name));
        ObjectNode target = section == null ? root : (ObjectNode) root.get(section);
        fields.forEach((k, v) -> target.set(k, Json.mapper().valueToTree(v)));
        return Json.mapper().treeToValue(root, Preset.class);
    }

    @Test
    void fgeByHand() {
        // tiny: cycle_epochs 0.5, lr1 0.05, lr2 0.01; 8 iterations per epoch make a cycle of 4 iterations:
        // t = 0, .25, .5, .75 -> lr1, (lr1 + lr2) / 2, lr2, (lr1 + lr2) / 2; a snapshot after k with (k + 1) mod 4 == 2
        FgeSchedule f = Schedules.fgeSchedule(Presets.load(TinyRun.PRESET.toString()), 8);
        double[] rates = {0.05, 0.03, 0.01, 0.03, 0.05, 0.03, 0.01, 0.03, 0.05};
        for (int k = 0; k < rates.length; k++) {
            assertEquals(rates[k], f.valueAt(k, 0), 1e-15, "iteration " + k);
            assertEquals(k == 1 || k == 5, f.isSnapshotIteration(k), "iteration " + k);
        }
    }

    @Test
    void fgeInWholeEpochCyclesIsTheReferencesSchedule() throws IOException {
        // fashion-mnist: cycle_epochs 2, lr1 0.05, lr2 0.01; 7 iterations per epoch: a cycle of 14 iterations
        FgeSchedule f = Schedules.fgeSchedule(Presets.load("fashion-mnist"), 7);
        assertEquals(14, f.getCycleIterations());
        assertEquals(0.05 * 8 / 14 + 0.01 * 6 / 14, f.valueAt(3, 0), 1e-15, "t = 3/14: lr1 (1 - 2t) + lr2 2t");
        assertEquals(0.01, f.valueAt(7, 1), 1e-15, "t = 1/2");
        assertEquals(0.05 * 2 / 14 + 0.01 * 12 / 14, f.valueAt(22, 3), 1e-15, "t = 8/14: lr1 (2t - 1) + lr2 (2 - 2t)");
        assertTrue(f.isSnapshotIteration(6) && f.isSnapshotIteration(20), "after the last step of epochs 0 and 2");
        // the same rates and snapshots as the reference's form in epochs, for cycles of 2 and 4 epochs
        for (int cycleEpochs : new int[] {2, 4}) {
            FgeSchedule runner = Schedules.fgeSchedule(variant("fashion-mnist", "fge", Map.of("cycle_epochs", cycleEpochs)), 7);
            FgeSchedule reference = new FgeSchedule(0.05, 0.01, cycleEpochs, 7, 0);
            for (int k = 0; k < 5 * 7 * cycleEpochs; k++) {
                int epoch = k / 7;
                assertEquals(reference.valueAt(k, epoch), runner.valueAt(k, epoch), 1e-12, "iteration " + k);
                boolean endOfEpoch = (k + 1) % 7 == 0;
                assertEquals(endOfEpoch && reference.isSnapshotEpoch(epoch), runner.isSnapshotIteration(k), "iteration " + k);
            }
        }
    }

    @Test
    void sgdAndSwaFollowTheReferenceTable() {
        Preset q = Presets.load("fashion-mnist"); // B = 10, lr 0.05, swa start 6, swa lr 0.01, 15 SWA epochs
        Schedules.Rate sgd = Schedules.sgdRate(q);
        // SGD: t = e/10; flat to t = .5, then 1 - .99 (t - .5)/.4, then .01
        assertEquals(0.05, sgd.at(0, 5), 1e-15);
        assertEquals(0.05 * (1 - 0.99 * 0.2 / 0.4), sgd.at(0, 7), 1e-15);
        assertEquals(0.0005, sgd.at(0, 9), 1e-15);
        // SWA: t = e/6, ratio .2; e = 4: t = .667 -> 1 - .8 (.1667)/.4
        Schedules.Rate swa = Schedules.swaRate(q, 100);
        assertEquals(0.05, swa.at(0, 3), 1e-15);
        assertEquals(0.05 * (1 - 0.8 * (4.0 / 6 - 0.5) / 0.4), swa.at(0, 4), 1e-12);
        assertEquals(0.01, swa.at(0, 14), 1e-15);
    }

    @Test
    void constantScheduleKeepsLrInitInEveryEpoch() throws IOException {
        Preset a = Presets.load("ablation-fixed-lr"); // lr_schedule constant, lr_init 0.05 = swa.lr
        for (int e = 0; e < a.swaEpochs(); e++) {
            assertEquals(0.05, Schedules.sgdRate(a).at(0, e), 0.0, "sgd epoch " + e);
            assertEquals(0.05, Schedules.swaRate(a, 47).at(0, e), 0.0, "swa epoch " + e);
        }
        // the same preset with the reference schedule decays: B = 8, e = 7: t = .875 -> 1 - .99 (.375)/.4
        Preset reference = variant("ablation-fixed-lr", null, Map.of("lr_schedule", "reference"));
        assertEquals(8, reference.budgetEpochs());
        assertEquals(0.05 * (1 - 0.99 * 0.375 / 0.4), Schedules.sgdRate(reference).at(0, 7), 1e-15);
    }

    @Test
    void cyclicByHand() {
        // imagenet-swa-pretrained: cycles of every_epochs = 1 epoch, 1e-3 -> 1e-5; 4 iterations per epoch:
        // i (1-based) = 1..4 -> t = .25, .5, .75, 1: lr = .75 a1 + .25 a2, ..., a2
        Schedules.Rate r = Schedules.swaRate(Presets.load("imagenet-swa-pretrained"), 4);
        assertEquals(4, assertInstanceOf(CyclicSchedule.class, r.schedule()).getCycle());
        assertEquals(0.75 * 1e-3 + 0.25 * 1e-5, r.at(0, 0), 1e-15);
        assertEquals(0.5 * 1e-3 + 0.5 * 1e-5, r.at(1, 0), 1e-15);
        assertEquals(1e-5, r.at(3, 0), 1e-15);
        assertEquals(0.75 * 1e-3 + 0.25 * 1e-5, r.at(4, 1), 1e-15);
    }
}
