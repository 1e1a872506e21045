package org.swa4j.experiments.preset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.swa4j.data.Normalisation;

/** Every built-in preset is valid; a broken one gets every problem listed at once. */
class PresetValidatorTest {

    @Test
    void everyBuiltInPresetLoadsAndPassesTheStaticRules() {
        List<String> names = Presets.names();
        assertTrue(names.size() >= 15, names.toString());
        assertTrue(names.containsAll(List.of("quick", "fashion-mnist", "cifar10-vgg16", "cifar100-vgg16", "cifar10-preresnet164",
                "cifar100-preresnet164", "cifar10-wrn28x10", "cifar100-wrn28x10", "cifar10-shakeshake26_2x64d",
                "cifar100-shakeshake26_2x64d", "cifar10-pyramidnet272_a200", "cifar100-pyramidnet272_a200",
                "imagenet-swa-pretrained")), names.toString());
        for (String n : names) {
            Preset p = Presets.load(n);
            assertEquals(n, p.name(), "file name and name field agree");
            assertEquals(List.of(), PresetValidator.staticProblems(p), n);
        }
    }

    @Test
    void referenceRecipesMatchTheAuthorsCommands() {
        Preset vgg = Presets.load("cifar100-vgg16");
        assertEquals(200, vgg.budgetEpochs());
        assertEquals(300, vgg.swaEpochs());
        assertEquals(161, vgg.swa().start());
        assertEquals(0.05, vgg.lrInit());
        assertEquals(5e-4, vgg.weightDecay());
        assertEquals(0.01, vgg.swa().lr());
        Preset pre = Presets.load("cifar100-preresnet164");
        assertEquals(225, pre.swaEpochs());
        assertEquals(126, pre.swa().start());
        assertEquals(0.05, pre.swa().lr());
        assertEquals(0.01, Presets.load("cifar10-preresnet164").swa().lr());
        assertEquals(160, Presets.load("cifar100-wrn28x10").fgeStartEpoch(), "FGE starts from 160 of 200 SGD epochs");
    }

    /** timgaripov/swa's vgg.py and dnn-mode-connectivity's VGG transform normalise with ImageNet's mean/std. */
    @Test
    void vggPresetsNormaliseAsTheReferenceVggRuns() {
        for (String n : List.of("cifar10-vgg16", "cifar100-vgg16")) {
            assertEquals(Normalisation.VGG, Presets.load(n).normalisationChoice(), n);
        }
        for (String n : List.of("cifar100-preresnet164", "cifar10-wrn28x10", "quick")) {
            assertEquals(Normalisation.DEFAULT, Presets.load(n).normalisationChoice(), n + ": absent means the data set's default");
        }
        Preset q = Presets.load("quick");
        Preset bad = new Preset("n", "", q.dataset(), q.model(), null, null, null, true, "imagenet", 3, 128, 10, 0.05, null, 0.9,
                5e-4, List.of("sgd"), null, null, null, null, null);
        String m = String.join("\n", PresetValidator.staticProblems(bad));
        assertTrue(m.contains("normalisation: unknown normalisation 'imagenet'; known: [default, resnet, vgg, train_statistics, unit]"), m);
    }

    /**
     * Cyclic SWA's cycles of every_epochs epochs run from the first iteration, so they end after epochs
     * 2, 4, 6, ... for every_epochs = 2; averaging after epochs start, start + 2, ... falls at their ends
     * only for an even start.
     */
    @Test
    void cyclicSwaMustAverageAtTheCyclesEnds() {
        Preset q = Presets.load("quick");
        Preset odd = new Preset("c", "", q.dataset(), q.model(), null, null, null, true, 3, 128, 10, 0.05, null, 0.9, 5e-4,
                List.of("swa"), null, null, new Preset.SwaOptions(3, 0.01, 2, List.of(1.0), "cyclic", 1e-3, 1e-5, null), null, null);
        String m = String.join("\n", PresetValidator.staticProblems(odd));
        assertTrue(m.contains("swa.start = 3 with swa.schedule \"cyclic\" and swa.every_epochs = 2: the cycles of 2 epochs are "
                + "counted from the run's first iteration and end after epochs 2, 4, 6, ..., so averaging after epochs 3, 5, ... "
                + "would take weights in mid-cycle; make swa.start a multiple of 2 (2 or 4)"), m);
        Preset even = new Preset("c", "", q.dataset(), q.model(), null, null, null, true, 3, 128, 10, 0.05, null, 0.9, 5e-4,
                List.of("swa"), null, null, new Preset.SwaOptions(4, 0.01, 2, List.of(1.0), "cyclic", 1e-3, 1e-5, null), null, null);
        assertEquals(List.of(), PresetValidator.staticProblems(even));
        Preset swaSchedule = new Preset("c", "", q.dataset(), q.model(), null, null, null, true, 3, 128, 10, 0.05, null, 0.9, 5e-4,
                List.of("swa"), null, null, new Preset.SwaOptions(3, 0.01, 2, List.of(1.0), "swa", null, null, null), null, null);
        assertEquals(List.of(), PresetValidator.staticProblems(swaSchedule), "the reference schedule has no cycles to align with");
    }

    @Test
    void fgeBudgetMustBePositiveAndHoldWholeCycles() {
        Preset q = Presets.load("quick");
        Preset zero = new Preset("f", "", q.dataset(), q.model(), null, null, null, true, 3, 128, 10, 0.05, null, 0.9, 5e-4,
                List.of("fge"), null, new Preset.FgeOptions(0.8, 2, 0.05, 0.01, 0), null, null, null);
        assertTrue(String.join("\n", PresetValidator.staticProblems(zero)).contains("fge.budget_epochs = 0"));
        Preset odd = new Preset("f", "", q.dataset(), q.model(), null, null, null, true, 3, 128, 10, 0.05, null, 0.9, 5e-4,
                List.of("fge"), null, new Preset.FgeOptions(0.8, 2, 0.05, 0.01, 15), null, null, null);
        String m = String.join("\n", PresetValidator.staticProblems(odd));
        assertTrue(m.contains("fge has 3 epochs after its start (epoch 12 of 15)"), m);
    }

    @Test
    void listsEveryProblemAtOnce() {
        Preset q = Presets.load("quick");
        Preset bad = new Preset("bad", "", "fashion-mnist-embedded", "cnn8", null, null, null, true, 0, 128, 10, -0.1, "linear", 1.0, 5e-4,
                List.of("sgd", "ema", "adam", "swa", "swa", "fge"), new Preset.EmaOptions(1.5),
                new Preset.FgeOptions(0.8, 3, 0.05, 0.01), new Preset.SwaOptions(20, 0.01, 1, List.of(1.0, 1.5, -1.0), "swa", null, null, null),
                null, null);
        PresetProblems e = assertThrows(PresetProblems.class, () -> PresetValidator.validate(bad, null));
        String m = e.getMessage();
        for (String expected : List.of("seeds = 0", "lr_init = -0.1", "lr_schedule = 'linear'; must be one of [reference, constant]",
                "momentum = 1.0", "unknown method 'adam'", "'swa' is listed twice",
                "ema.decay = 1.5", "fge has 2 epochs after its start", "every budget must be > 0")) {
            assertTrue(m.contains(expected), "missing '" + expected + "' in:\n" + m);
        }
        assertTrue(e.problems().size() >= 8, m);
        assertEquals(List.of(), PresetValidator.staticProblems(q));
    }

    @Test
    void constantLearningRatePresets() {
        Preset ablation = Presets.load("ablation-fixed-lr");
        assertEquals("constant", ablation.lrSchedule());
        assertTrue(ablation.constantLr());
        assertEquals(List.of(), PresetValidator.staticProblems(ablation));
        assertEquals(List.of(), PresetValidator.staticProblems(Presets.load("cifar100-preresnet164-fixed-lr")));
        assertEquals("reference", Presets.load("quick").lrSchedule(), "an absent lr_schedule is the reference schedule");
        Preset q = Presets.load("quick");
        Preset mismatched = new Preset("c", "", q.dataset(), q.model(), null, null, null, true, 3, 128, 10, 0.05, "constant", 0.9, 5e-4,
                List.of("swa"), null, null, new Preset.SwaOptions(6, 0.01, 1, List.of(1.0), "cyclic", 1e-3, 1e-5, null), null, null);
        String m = String.join("\n", PresetValidator.staticProblems(mismatched));
        assertTrue(m.contains("swa.lr = 0.01 but lr_schedule is constant at lr_init = 0.05"), m);
        assertTrue(m.contains("lr_schedule constant needs swa.schedule \"swa\", not 'cyclic'"), m);
    }

    @Test
    void swaStartPastTheEndAndNonPositiveBudgetAreRejected() {
        Preset q = Presets.load("quick");
        Preset late = new Preset("late", "", q.dataset(), q.model(), null, null, null, true, 3, 128, 10, 0.05, null, 0.9, 5e-4,
                List.of("swa"), null, null, new Preset.SwaOptions(16, 0.01, 1, List.of(1.0, 1.5), "swa", null, null, null), null, null);
        String m = String.join("\n", PresetValidator.staticProblems(late));
        assertTrue(m.contains("swa.start = 16 is past the end of the SWA run (15 epochs"), m);
        assertTrue(m.contains("swa budget 1.0 ends at epoch 10, before swa.start = 16"), m);
        Preset zero = q.withBudget(1).withSeeds(3);
        assertEquals(List.of(), PresetValidator.staticProblems(q.withBudget(20)));
        Preset noBudget = new Preset("z", "", q.dataset(), q.model(), null, null, null, true, 3, 128, 0, 0.05, null, 0.9, 5e-4,
                List.of("sgd"), null, null, null, null, null);
        assertTrue(String.join("\n", PresetValidator.staticProblems(noBudget)).contains("budget_epochs = 0"));
        assertTrue(zero.budgetEpochs() == 1);
    }

    @Test
    void environmentProblemsComeWithTheStaticOnes() {
        Preset q = Presets.load("quick");
        PresetValidator.Environment env = new PresetValidator.Environment() {
            @Override
            public String modelProblem(Preset p) {
                return "model '" + p.model() + "' is unknown";
            }

            @Override
            public String dataProblem(Preset p) {
                return null;
            }
        };
        PresetProblems e = assertThrows(PresetProblems.class, () -> PresetValidator.validate(q.withSeeds(0), env));
        assertEquals(2, e.problems().size(), e.getMessage());
    }

    @Test
    void unknownPresetNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Presets.load("nope"));
        assertTrue(e.getMessage().contains("quick"), e.getMessage());
    }
}
