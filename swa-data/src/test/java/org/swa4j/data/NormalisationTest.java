package org.swa4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The names presets and options give a normalisation. */
class NormalisationTest {

    @Test
    void namesAreTheLowerCaseConstants() {
        assertEquals("vgg", Normalisation.VGG.key());
        assertEquals("train_statistics", Normalisation.TRAIN_STATISTICS.key());
        assertEquals(Normalisation.VGG, Normalisation.parse("vgg"));
        assertEquals(Normalisation.TRAIN_STATISTICS, Normalisation.parse("Train_Statistics"));
        assertEquals(Normalisation.DEFAULT, Normalisation.parse(null));
    }

    @Test
    void rejectsUnknownNamesListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Normalisation.parse("imagenet"));
        assertTrue(e.getMessage().contains("'imagenet'") && e.getMessage().contains("[default, resnet, vgg, train_statistics, unit]"),
                e.getMessage());
    }
}
