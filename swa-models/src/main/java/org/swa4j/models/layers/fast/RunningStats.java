package org.swa4j.models.layers.fast;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's BatchNorm running-statistics update, expressed as the pseudo-gradient its no-op updater
 * subtracts: {@code g = (1 - decay) * (running - batch)}, so that
 * {@code running - g = decay * running + (1 - decay) * batch} (DL4J decay 0.9 = PyTorch momentum 0.1).
 */
final class RunningStats {

    private RunningStats() {
    }

    static void pseudoGradient(INDArray running, INDArray batch, double decay, INDArray gradientView) {
        if (running.length() != batch.length() || running.length() != gradientView.length()) {
            throw new IllegalArgumentException("running statistics of length " + running.length() + ", batch statistics "
                    + batch.length() + ", gradient " + gradientView.length());
        }
        if (OffHeap.isHostFloat(running) && OffHeap.isHostFloat(batch) && OffHeap.isHostFloat(gradientView)) {
            // C values: two libnd4j ops and a reshape cost more than the arithmetic
            long r = OffHeap.floatAddress(running);
            long b = OffHeap.floatAddress(batch);
            long g = OffHeap.floatAddress(gradientView);
            float scale = (float) (1 - decay);
            for (long i = 0, n = running.length(); i < n; i++) {
                OffHeap.putFloat(g, i, scale * (OffHeap.getFloat(r, i) - OffHeap.getFloat(b, i)));
            }
            return;
        }
        INDArray g = gradientView.reshape(gradientView.length());
        Nd4j.exec(new SubOp(running, batch, g));
        g.muli(1 - decay);
    }
}
