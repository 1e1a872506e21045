package org.swa4j.experiments.geometry;

/** The production {@link BatchNormRecalibration}: swa-core's {@code BatchNormUpdate.run}. */
public final class CoreBatchNorm {

    private CoreBatchNorm() {
    }

    /** {@code org.swa4j.core.BatchNormUpdate::run}. */
    public static BatchNormRecalibration recalibration() {
        return (net, data) -> {
            throw new UnsupportedOperationException(
                    "BatchNorm recomputation needs swa-core's BatchNormUpdate, which is not merged into this build yet");
        };
    }
}
