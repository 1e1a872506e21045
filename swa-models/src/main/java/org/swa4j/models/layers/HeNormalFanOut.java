package org.swa4j.models.layers;

import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * He-normal initialisation with fan-out for convolution weights, the rule of the reference code
 * (timgaripov/swa {@code vgg.py} and {@code preresnet.py}, PyramidNet's and Shake-Shake's code):
 *
 * <pre>
 *   w ~ N(0, 2 / (k_h * k_w * out_channels))      (normal_(0, sqrt(2 / n)), n = k*k*out_channels)
 * </pre>
 *
 * The fan-out is read from the weight's shape {@code [out, in, k_h, k_w]}, not from DL4J's
 * {@code fanOut} argument: DL4J's convolution layers pass {@code out * k_h * k_w / (s_h * s_w)}
 * (divided by the stride), so DL4J's fan-out initialisers ({@code WeightInit.VAR_SCALING_NORMAL_FAN_OUT}
 * and the like) would differ from the reference on every strided convolution. Draws from ND4J's RNG, which DL4J seeds from the
 * network's seed. No state: it is saved and restored with the configuration by class name.
 * Rejects weights that are not rank 4.
 */
public final class HeNormalFanOut implements IWeightInit {

    @Override
    public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
        if (shape.length != 4) {
            throw new IllegalArgumentException("He-normal fan-out needs a convolution weight [out, in, kH, kW], got shape "
                    + java.util.Arrays.toString(shape));
        }
        double n = (double) shape[0] * shape[2] * shape[3];
        Nd4j.randn(paramView).muli(Math.sqrt(2.0 / n));
        return paramView.reshape(order, shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeNormalFanOut;
    }

    @Override
    public int hashCode() {
        return HeNormalFanOut.class.hashCode();
    }

    @Override
    public String toString() {
        return "HeNormalFanOut";
    }
}
