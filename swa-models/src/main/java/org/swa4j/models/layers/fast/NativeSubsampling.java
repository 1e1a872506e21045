package org.swa4j.models.layers.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime of {@link NativeSubsamplingLayer}: native pooling forward and backward. */
public class NativeSubsampling extends SubsamplingLayer {

    public NativeSubsampling(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean nhwc() {
        return layerConf().getCnn2dDataFormat() == CNN2DFormat.NHWC;
    }

    private boolean max() {
        return layerConf().getPoolingType() == org.deeplearning4j.nn.conf.layers.PoolingType.MAX;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = NativeArrays.contiguous(input.castTo(dataType));
        int k = layerConf().getKernelSize()[0];
        int s = layerConf().getStride()[0];
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                NativeOps.outputShape(x, x.size(nhwc() ? 3 : 1), k, s, 0, nhwc()));
        NativeOps.pool2d(max(), x, k, s, nhwc(), out);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray x = NativeArrays.contiguous(input.castTo(dataType));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape());
        NativeOps.pool2dBackprop(max(), x, NativeArrays.contiguous(epsilon.castTo(dataType)),
                layerConf().getKernelSize()[0], layerConf().getStride()[0], nhwc(), dx);
        return new Pair<>(new DefaultGradient(), backpropDropOutIfPresent(dx));
    }
}
