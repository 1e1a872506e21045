package org.swa4j.experiments.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.swa4j.data.Normalisation;
import org.swa4j.experiments.preset.Presets;

/** A run opens its data set with the preset's normalisation. */
class EnvironmentTest {

    @Test
    void dataOptionsCarryThePresetsNormalisation() {
        assertEquals(Normalisation.VGG, Environment.dataOptions(options("cifar100-vgg16")).normalisation());
        assertEquals(Normalisation.DEFAULT, Environment.dataOptions(options("cifar100-wrn28x10")).normalisation());
    }

    private static RunOptions options(String preset) {
        return new RunOptions(Presets.load(preset), null, false, 1, "0/1", "swa run --preset " + preset, null);
    }
}
