package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.swa4j.experiments.TestOutput;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.Presets;

/**
 * Every paper row's plan against the authors' recipe (timgaripov/swa README: "VGG16 ... --epochs=200
 * --lr_init=0.05 --wd=5e-4 # SGD; --epochs=300 ... --swa_start=161 --swa_lr=0.01 # SWA 1.5 Budgets";
 * PreResNet --epochs=150 --lr_init=0.1 --wd=3e-4, SWA --epochs=225 --swa_start=126 --swa_lr=0.05
 * (CIFAR-100) / 0.01 (CIFAR-10); WideResNet28x10 --epochs=200 --lr_init=0.1 --wd=5e-4, SWA --epochs=300
 * --swa_start=161 --swa_lr=0.05; "same parameters for both CIFAR-10 and CIFAR-100 except for PreResNet").
 * Learning rates at chosen epochs are computed here by hand from train.py's schedule.
 */
class RunPlanTest {

    /** One reference recipe: SGD budget, lr_init, wd, swa_start, swa_lr, and hand-computed rates. */
    record Recipe(String preset, int budget, double lrInit, double wd, int swaStart, double swaLr,
            Map<Integer, Double> sgdRates, Map<Integer, Double> swaRates) {
    }

    static final List<Recipe> PAPER_ROWS = List.of(
            // VGG-16: SGD epoch 102: t = 101/200 = 0.505, factor 1 - 0.99 * 0.005 / 0.4 = 0.987625.
            // SWA epoch 100: t = 99/161 = 0.6149068, factor 1 - 0.8 * 0.1149068 / 0.4 = 0.7701863.
            new Recipe("cifar100-vgg16", 200, 0.05, 5e-4, 161, 0.01,
                    Map.of(101, 0.05, 102, 0.05 * 0.987625, 181, 0.0005), Map.of(100, 0.05 * 0.7701863, 300, 0.01)),
            new Recipe("cifar10-vgg16", 200, 0.05, 5e-4, 161, 0.01,
                    Map.of(101, 0.05, 102, 0.05 * 0.987625, 181, 0.0005), Map.of(100, 0.05 * 0.7701863, 300, 0.01)),
            // PreResNet-164: SGD epoch 77: t = 76/150, factor 1 - 0.99 * (1/150) / 0.4 = 0.9835.
            // SWA epoch 65: t = 64/126 = 0.5079365; CIFAR-100 ratio 0.5: 1 - 0.5 * 0.0079365 / 0.4 = 0.9900794;
            // CIFAR-10 ratio 0.1: 1 - 0.9 * 0.0079365 / 0.4 = 0.9821429.
            new Recipe("cifar100-preresnet164", 150, 0.1, 3e-4, 126, 0.05,
                    Map.of(76, 0.1, 77, 0.09835, 136, 0.001), Map.of(64, 0.1, 65, 0.1 * 0.9900794, 115, 0.05, 225, 0.05)),
            new Recipe("cifar10-preresnet164", 150, 0.1, 3e-4, 126, 0.01,
                    Map.of(76, 0.1, 77, 0.09835, 136, 0.001), Map.of(64, 0.1, 65, 0.1 * 0.9821429, 225, 0.01)),
            // WRN-28-10: SGD epoch 102 as VGG's; SWA epoch 100, ratio 0.5: 1 - 0.5 * 0.1149068 / 0.4 = 0.8563665.
            new Recipe("cifar100-wrn28x10", 200, 0.1, 5e-4, 161, 0.05,
                    Map.of(101, 0.1, 102, 0.0987625, 200, 0.001), Map.of(100, 0.1 * 0.8563665, 300, 0.05)),
            new Recipe("cifar10-wrn28x10", 200, 0.1, 5e-4, 161, 0.05,
                    Map.of(101, 0.1, 102, 0.0987625, 200, 0.001), Map.of(100, 0.1 * 0.8563665, 300, 0.05)));

    @Test
    void everyPaperRowsPlanIsTheAuthorsRecipe() {
        for (Recipe r : PAPER_ROWS) {
            Preset p = Presets.load(r.preset());
            RunPlan plan = RunPlan.of(p);
            String name = r.preset();
            assertEquals(391, plan.iterationsPerEpoch(), name + ": ceil(50,000 / 128) steps per epoch");
            assertEquals(r.budget(), p.budgetEpochs(), name + " B");
            assertEquals(r.lrInit(), p.lrInit(), 0, name + " lr_init");
            assertEquals(r.wd(), p.weightDecay(), 0, name + " wd");
            assertEquals(0.9, p.momentum(), 0, name + " momentum");
            assertEquals(128, p.batchSize(), name + " batch");
            assertEquals(r.budget() * 3 / 2, p.swaEpochs(), name + ": SWA runs 1.5 budgets");
            assertEquals(IntStream.rangeClosed(r.swaStart(), r.budget() * 3 / 2).boxed().toList(), plan.averagingEpochs(),
                    name + ": averaging after every epoch from swa_start");
            assertEquals(Map.of(1.0, r.budget(), 1.25, (int) Math.round(1.25 * r.budget()), 1.5, r.budget() * 3 / 2),
                    Map.copyOf(plan.swaBudgetEpochs()), name + " budget epochs");
            List<Double> sgd = plan.sgdRates();
            assertEquals(r.budget(), sgd.size());
            r.sgdRates().forEach((epoch, lr) -> assertEquals(lr, sgd.get(epoch - 1), 1e-6 * lr, name + " SGD lr in epoch " + epoch));
            List<Double> swa = plan.swaRates();
            r.swaRates().forEach((epoch, lr) -> assertEquals(lr, swa.get(epoch - 1), 1e-6 * lr, name + " SWA lr in epoch " + epoch));
            assertEquals(r.swaLr(), swa.get(swa.size() - 1), 0, name + " swa_lr");
        }
    }

    @Test
    void theDryRunPrintsThePlanAndTrainsNothing() {
        TestOutput.Result r = TestOutput.execute("run", "--preset", "cifar100-preresnet164", "--dry-run", "--images-per-second", "1000");
        assertEquals(0, r.exitCode(), r.text());
        String t = r.text();
        assertTrue(t.contains("391 iterations per epoch") && t.contains("epochs 1-76: 0.1") && t.contains("epoch 77: 0.09835"), t);
        assertTrue(t.contains("averaged after epochs 126-225 (100 models)"), t);
        assertTrue(t.contains("budget 1.25: the evaluation after epoch 188"), t);
        assertTrue(t.contains("FGE (job fge): from its own SGD run (the reference schedule over FGE's budget of 200 epochs) after "
                + "epoch 160, epochs 161-200"), t);
        assertTrue(t.contains("estimated time at 1000 training"), t);
        TestOutput.Result bad = TestOutput.execute("run", "--preset", "cifar100-preresnet164", "--dry-run", "--images-per-second", "0");
        assertEquals(2, bad.exitCode(), bad.text());
        assertTrue(bad.text().contains("--images-per-second 0.0 must be > 0"), bad.text());
    }

    @Test
    void theEstimateCountsEveryPass() {
        Preset p = Presets.load("cifar100-preresnet164");
        RunPlan plan = RunPlan.of(p);
        // SGD 150; FGE's own budget, 200 (its SGD run to 160, then 40 of FGE); SWA 225
        assertEquals(150 + 200 + 225, plan.trainingEpochs());
        assertEquals(150 + 30 + 225, RunPlan.of(Presets.load("cifar10-preresnet164")).trainingEpochs(),
                "CIFAR-10: FGE shares SGD's run to epoch 120, then 30 of FGE");
        long swaEvaluations = p.swaEpochs() - p.swa().start() + 1;
        assertEquals(p.budgetEpochs() + swaEvaluations, plan.batchNormPasses(), "EMA after every SGD epoch, SWA once it averages");
        assertEquals(2L * p.budgetEpochs() + plan.fgeSnapshotPoints().size() + swaEvaluations, plan.testPasses());
        double expected = plan.trainingEpochs() * 50_000.0 / 100 + (plan.batchNormPasses() * 50_000.0 + plan.testPasses() * 10_000.0) / 300;
        assertEquals(expected, plan.secondsPerSeed(100, 300), 1e-6);
    }

    @Test
    void rangesAndRatesReadAsWritten() {
        assertEquals("126-225", RunPlan.ranges(IntStream.rangeClosed(126, 225).boxed().toList()));
        assertEquals("5-40 every 5", RunPlan.ranges(List.of(5, 10, 15, 20, 25, 30, 35, 40)));
        assertEquals("[1, 2, 4]", RunPlan.ranges(List.of(1, 2, 4)));
        assertEquals("  epochs 1-2: 0.1\n  epoch 3: 0.05\n", RunPlan.runs(List.of(0.1, 0.1, 0.05)).replace(System.lineSeparator(), "\n"));
    }
}
