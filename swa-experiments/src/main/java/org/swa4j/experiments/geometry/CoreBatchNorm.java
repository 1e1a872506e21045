package org.swa4j.experiments.geometry;

import org.swa4j.core.BatchNormUpdate;

/** The production {@link BatchNormRecalibration}: swa-core's {@link BatchNormUpdate#run}. */
public final class CoreBatchNorm {

    private CoreBatchNorm() {
    }

    /** {@code org.swa4j.core.BatchNormUpdate::run}. */
    public static BatchNormRecalibration recalibration() {
        return BatchNormUpdate::run;
    }
}
