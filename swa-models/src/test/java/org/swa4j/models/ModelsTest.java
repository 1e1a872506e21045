package org.swa4j.models;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelsTest {

    @Test
    void unknownNameListsTheKnownNames() {
        for (String bad : new String[] {"resnet50", "", "cnn", "cnn16x", "PRERESNET20"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Models.config(bad, 10, 3, 32, 32, 1));
            for (String known : Models.names()) {
                assertTrue(e.getMessage().contains(known), e.getMessage());
            }
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Models.info(null));
    }

    @Test
    void badNumbersAreRejectedNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.config("cnn16", 1, 3, 32, 32, 1));
        assertTrue(e.getMessage().contains("numClasses 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.config("cnn16", 10, 0, 32, 32, 1));
        assertTrue(e.getMessage().contains("0x32x32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Models.config("cnn99999999", 10, 3, 32, 32, 1));
        assertTrue(e.getMessage().contains("cnn99999999"), e.getMessage());
    }
}
