package org.swa4j.models;

import java.util.Objects;

import org.nd4j.linalg.api.buffer.DataType;
import org.swa4j.models.layers.LayerFactories;
import org.swa4j.models.layers.LayerFactory;

/**
 * What every model builder needs besides its architecture spec: the implementation of the
 * compute-heavy layers, the one seed from which all weight initialisation and all model-internal
 * randomness (Shake-Shake mixing) is derived, and the floating-point precision of the network.
 *
 * <p>Rejects a null factory or data type, and data types that are not floating point.
 */
public record BuildSettings(LayerFactory layers, long seed, DataType dataType) {

    public BuildSettings {
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(dataType, "dataType");
        if (!dataType.isFPType()) {
            throw new IllegalArgumentException("data type " + dataType + " must be a floating-point type");
        }
    }

    /** The default factory, single precision. */
    public static BuildSettings of(long seed) {
        return new BuildSettings(LayerFactories.defaultFactory(), seed, DataType.FLOAT);
    }

    /** The given factory, single precision. */
    public static BuildSettings of(LayerFactory layers, long seed) {
        return new BuildSettings(layers, seed, DataType.FLOAT);
    }

    /** The same settings in another precision (double for gradient checks). */
    public BuildSettings withDataType(DataType type) {
        return new BuildSettings(layers, seed, type);
    }
}
