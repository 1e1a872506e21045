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
        INDArray g = gradientView.reshape(gradientView.length());
        Nd4j.exec(new SubOp(running, batch, g));
        g.muli(1 - decay);
    }
}
