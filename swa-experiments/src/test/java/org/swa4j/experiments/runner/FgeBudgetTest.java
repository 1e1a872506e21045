package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swa4j.experiments.Main;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;
import org.swa4j.experiments.results.BudgetResult;
import org.swa4j.experiments.results.EpochMetrics;
import org.swa4j.experiments.results.Json;
import org.swa4j.experiments.results.ResultsDirectory;
import org.swa4j.experiments.results.RunRecord;

/**
 * FGE with a budget of its own (dnn-mode-connectivity's 200 epochs for PreResNet-164, whose SGD budget
 * is 150): its SGD prefix has the reference schedule over FGE's budget F, it ends at epoch F, and its
 * result is at budget F / B.
 */
class FgeBudgetTest {

    @Test
    void preResNet164OnCifar100ComparesWithTheReferencesFgeBudget() {
        Preset p = Presets.load("cifar100-preresnet164");
        assertEquals(150, p.budgetEpochs());
        assertEquals(200, p.fgeBudgetEpochs());
        assertEquals(160, p.fgeStartEpoch(), "FGE starts from epoch 160 of 200, as fge.py --ckpt=checkpoint-160.pt");
        assertTrue(!p.fgeSharesSgdRun());
        assertEquals(200, p.fgeRun().budgetEpochs());
        Preset wrn = Presets.load("cifar100-wrn28x10");
        assertTrue(wrn.fgeSharesSgdRun(), "B = 200 already");
        assertSame(wrn, wrn.fgeRun());
        assertEquals(400, p.withBudget(300).fgeBudgetEpochs(), "F scales with B: 200 * 300 / 150");
    }

    /** The SGD prefix of an FGE budget of F = 4 epochs, by hand: t = e / 4; 1, 1, 1, then 1 - 0.99 (0.75 - 0.5) / 0.4. */
    @Test
    void theFgeRunsSgdPrefixHasTheScheduleOverItsOwnBudget() {
        Preset p = ownBudget(Presets.load(TinyRun.PRESET.toString()), 4);
        Preset run = p.fgeRun();
        assertEquals(0.05, Schedules.sgdRate(run).at(0, 0), 1e-15);
        assertEquals(0.05, Schedules.sgdRate(run).at(0, 2), 1e-15);
        assertEquals(0.05 * (1 - 0.99 * 0.25 / 0.4), Schedules.sgdRate(run).at(0, 3), 1e-15);
    }

    @Test
    void aRunWithItsOwnFgeBudgetEndsThereAndReportsFOverB(@TempDir Path tmp) throws IOException {
        Preset tiny = Presets.load(TinyRun.PRESET.toString());
        Preset p = ownBudget(tiny, 4);
        Path preset = tmp.resolve("tiny-fge4.json");
        Json.write(preset, p);
        Path out = tmp.resolve("run");
        assertEquals(0, Main.execute("run", "--preset", preset.toString(), "--out", out.toString(), "--threads", "2"));
        ResultsDirectory dir = new ResultsDirectory(out);
        RunRecord fge = Json.read(dir.record("fge", 1), RunRecord.class);
        assertEquals(List.of(3, 4), fge.epochs().stream().map(EpochMetrics::epoch).toList(), "FGE's epochs 3-4 of F = 4");
        BudgetResult r = fge.results().get(0);
        assertEquals(1, fge.results().size());
        assertEquals(2.0, r.budget(), 0.0, "F / B = 4 / 2");
        assertEquals(4, r.epochs());
        String log = Files.readString(dir.log());
        assertTrue(log.contains("FGE's budget is 4 epochs (SGD's 2): training its own SGD run, the reference schedule over 4 epochs,"
                + " to epoch 2"), log);
        RunRecord sgd = Json.read(dir.record("sgd", 1), RunRecord.class);
        assertEquals(List.of(1.0), sgd.results().stream().map(BudgetResult::budget).toList());
    }

    /** {@code p} with methods sgd and fge and FGE's budget {@code epochs}. */
    private static Preset ownBudget(Preset p, int epochs) {
        Preset.FgeOptions f = p.fge();
        return new Preset(p.name() + "-fge" + epochs, p.description(), p.dataset(), p.model(), p.layers(), p.trainLimit(),
                p.testLimit(), p.augment(), p.normalisation(), p.seeds(), p.batchSize(), p.budgetEpochs(), p.lrInit(), p.lrSchedule(),
                p.momentum(), p.weightDecay(), List.of("sgd", "fge"), p.ema(),
                new Preset.FgeOptions(f.startFraction(), f.cycleEpochs(), f.lr1(), f.lr2(), epochs), null, null, null);
    }
}
