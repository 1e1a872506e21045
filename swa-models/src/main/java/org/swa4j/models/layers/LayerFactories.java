package org.swa4j.models.layers;

import java.util.List;

import org.swa4j.models.layers.fast.FusedLayerFactory;
import org.swa4j.models.layers.fast.NativeLayerFactory;

/** The layer factories by name, and the one every model uses unless told otherwise. */
public final class LayerFactories {

    private LayerFactories() {
    }

    /** Names accepted by {@link #byName(String)}. */
    public static List<String> names() {
        return List.of("stock", "native", "fused");
    }

    /**
     * The factory models use by default: {@code fused} (native OneDNN ops, conv+BN+ReLU and BN+ReLU
     * fused), which computes what {@code stock} computes and trains several times faster on CPU
     * (figures in docs/fast-layers.md).
     */
    public static LayerFactory defaultFactory() {
        return new FusedLayerFactory();
    }

    /** The factory called {@code name}; rejects unknown names with the list of known ones. */
    public static LayerFactory byName(String name) {
        if ("stock".equals(name)) {
            return new StockLayerFactory();
        }
        if ("native".equals(name)) {
            return new NativeLayerFactory();
        }
        if ("fused".equals(name)) {
            return new FusedLayerFactory();
        }
        throw new IllegalArgumentException("unknown layer factory '" + name + "'; known: " + names());
    }
}
