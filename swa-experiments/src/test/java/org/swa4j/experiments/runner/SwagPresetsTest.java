package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.swa4j.experiments.TestOutput;
import org.swa4j.experiments.preset.Preset;
import org.swa4j.experiments.preset.PresetValidator;
import org.swa4j.experiments.preset.Presets;

/**
 * The SWAG paper's rows against the reference recipes, typed here from wjmaddox/swa_gaussian's
 * {@code experiments/train/README.md}, "Reproducing results from the paper": PreResNet164 "# SWAG, CIFAR100
 * ... --epochs=300 ... --lr_init=0.1 --wd=3e-4 --swa --swa_start=161 --swa_lr=0.05 --cov_mat", "# SWAG,
 * CIFAR10 ... --epochs=300 ... --lr_init=0.1 --wd=3e-4 --swa --swa_start=161 --swa_lr=0.01 --cov_mat", "#
 * SGD ... --epochs=300"; WideResNet28x10 "# SWAG ... --epochs=300 ... --lr_init=0.1 --wd=5e-4 --swa
 * --swa_start=161 --swa_lr=0.05 --cov_mat"; run_swag.py's defaults: batch 128, momentum 0.9, one collection
 * per epoch, K = 20 ({@code --max_num_models}); {@code experiments/uncertainty/README.md}: SWAG at scale 0.5,
 * 30 samples. Learning rates at chosen epochs are computed here by hand from run_swag.py's schedule
 * ({@code t = epoch / swa_start}, epoch 0-based; SGD {@code t = epoch / epochs}, ratio 0.01).
 */
class SwagPresetsTest {

    record Recipe(String preset, double wd, double swaLr, Map<Integer, Double> swaRates) {
    }

    // SWA epoch 82 (1-based): t = 81/161 = 0.5031056, factor 1 - (1 - r) 0.0031056 / 0.4: r = 0.5 -> 0.9961180,
    // r = 0.1 -> 0.9930124. Epoch 145: t = 144/161 = 0.8944099: r = 0.5 -> 0.5069876, r = 0.1 -> 0.1125776.
    // Epoch 146: t = 145/161 = 0.9006 > 0.9: swa_lr.
    static final List<Recipe> PAPER_ROWS = List.of(
            new Recipe("cifar100-preresnet164-swag", 3e-4, 0.05,
                    Map.of(81, 0.1, 82, 0.09961180, 145, 0.05069876, 146, 0.05, 300, 0.05)),
            new Recipe("cifar10-preresnet164-swag", 3e-4, 0.01,
                    Map.of(81, 0.1, 82, 0.09930124, 145, 0.01125776, 146, 0.01, 300, 0.01)),
            new Recipe("cifar100-wrn28x10-swag", 5e-4, 0.05,
                    Map.of(81, 0.1, 82, 0.09961180, 145, 0.05069876, 146, 0.05, 300, 0.05)),
            new Recipe("cifar10-wrn28x10-swag", 5e-4, 0.05,
                    Map.of(81, 0.1, 82, 0.09961180, 145, 0.05069876, 146, 0.05, 300, 0.05)));

    @Test
    void everySwagRowIsTheReferenceRecipe() {
        for (Recipe r : PAPER_ROWS) {
            String name = r.preset();
            Preset p = Presets.load(name);
            assertEquals(List.of(), PresetValidator.staticProblems(p), name);
            RunPlan plan = RunPlan.of(p);
            assertEquals(391, plan.iterationsPerEpoch(), name + ": ceil(50,000 / 128) steps per epoch");
            assertEquals(300, p.budgetEpochs(), name + ": --epochs=300 for SGD and SWAG");
            assertEquals(0.1, p.lrInit(), 0, name + " lr_init");
            assertEquals(r.wd(), p.weightDecay(), 0, name + " wd");
            assertEquals(0.9, p.momentum(), 0, name + " momentum");
            assertEquals(128, p.batchSize(), name + " batch");
            assertEquals(300, p.swaEpochs(), name + ": one 300-epoch SWA/SWAG run");
            assertEquals(161, p.swa().start(), name + " swa_start");
            assertEquals(IntStream.rangeClosed(161, 300).boxed().toList(), plan.averagingEpochs(), name + ": every epoch from 161");
            List<Double> swa = plan.swaRates();
            r.swaRates().forEach((epoch, lr) -> assertEquals(lr, swa.get(epoch - 1), 1e-6 * lr, name + " SWA lr in epoch " + epoch));
            assertEquals(r.swaLr(), swa.get(299), 0, name + " swa_lr");
            List<Double> sgd = plan.sgdRates();
            // SGD epoch 152: t = 151/300, factor 1 - 0.99 (1/300) / 0.4 = 0.99175; epoch 271 on: 0.01 lr_init
            assertEquals(0.1, sgd.get(150), 1e-9, name + " SGD lr in epoch 151");
            assertEquals(0.099175, sgd.get(151), 1e-9, name + " SGD lr in epoch 152");
            assertEquals(0.001, sgd.get(299), 1e-9, name + " SGD lr in epoch 300");
            assertEquals(List.of("sgd", "swa", "swag", "multiswag"), p.methods(), name + " methods");
            Preset.SwagOptions g = p.swagOptions();
            assertEquals(20, g.rank(), name + ": --cov_mat with --max_num_models 20");
            assertEquals(0.5, g.scale(), 0, name + ": uncertainty.py --scale=0.5 for SWAG");
            assertEquals(30, g.samples(), name + ": uncertainty.py --N 30");
            assertEquals(3, g.multiswagModels(), name + ": MultiSWAG of the three seeds");
            assertEquals(List.of(1.0), p.swagBudgets(), name + ": SWAG after epoch 300");
            assertEquals(3, p.seeds(), name + " seeds");
        }
    }

    @Test
    void theDryRunPrintsTheSwagPlan() {
        TestOutput.Result r = TestOutput.execute("run", "--preset", "cifar100-wrn28x10-swag", "--dry-run", "--images-per-second", "100");
        assertEquals(0, r.exitCode(), r.text());
        String t = r.text();
        assertTrue(t.contains("391 iterations per epoch"), t);
        assertTrue(t.contains("averaged after epochs 161-300 (140 models)"), t);
        assertTrue(t.contains("SWAG along it: collected where SWA averages, rank 20; at budgets [1.0] the model average of 30 draws "
                + "at scale 0.5, each with one BatchNorm pass and one test pass (30 of each per seed)"), t);
        assertTrue(t.contains("MultiSWAG: the mean of the SWAG model averages of seeds k..k+2 (cyclic)"), t);
        // BatchNorm passes: SWA's 140 evaluations (epochs 161-300) + 30 SWAG draws; test passes: 300 SGD + 140 SWA + 30 SWAG
        assertTrue(t.contains("600 training epochs (30,000,000 images), 170 BatchNorm passes, 470 test passes"), t);
    }
}
