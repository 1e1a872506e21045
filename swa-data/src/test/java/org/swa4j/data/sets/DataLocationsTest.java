package org.swa4j.data.sets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.swa4j.data.DataOptions;

class DataLocationsTest {
    @Test
    void explicitDirectoryThenEnvironmentThenHome() {
        DataOptions explicit = DataOptions.builder().dataDir(Path.of("/d")).build();
        DataOptions unset = DataOptions.defaults();
        assertEquals(Path.of("/d"), DataLocations.primary(explicit, "/env"));
        assertEquals(Path.of("/env"), DataLocations.primary(unset, "/env"));
        assertEquals(Path.of(System.getProperty("user.home"), ".swa4j", "data"), DataLocations.primary(unset, null));
        assertEquals(List.of(Path.of("/d/fashion-mnist"), Path.of("/usr/share/datasets/fashion-mnist")),
                DataLocations.candidates(explicit, "fashion-mnist", true));
        assertEquals(List.of(Path.of("/d/cifar-10-batches-bin")), DataLocations.candidates(explicit, "cifar-10-batches-bin", false));
    }
}
