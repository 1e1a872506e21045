package org.swa4j.models.layers.fast;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.summarystats.Variance;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-channel batch mean and biased variance of an NCHW array over (N, H, W), kept in buffers
 * outside any workspace that are reused across iterations.
 */
final class BatchMoments {

    private static final int[] NHW = {0, 2, 3};

    private INDArray mean;
    private INDArray var;
    /** The array the current moments were computed from (identity, not contents). */
    private INDArray source;

    void compute(INDArray x) {
        long channels = x.size(1);
        if (mean == null || mean.length() != channels || mean.dataType() != x.dataType()) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                mean = Nd4j.createUninitialized(x.dataType(), channels);
                var = Nd4j.createUninitialized(x.dataType(), channels);
            }
        }
        x.mean(mean, NHW);
        Nd4j.exec(new Variance(x, var, false, NHW));
        source = x;
    }

    /** Recomputes unless the moments were last computed from this very array. */
    void computeIfStale(INDArray x) {
        if (source != x) {
            compute(x);
        }
    }

    INDArray mean() {
        return mean;
    }

    INDArray var() {
        return var;
    }
}
