package org.swa4j.models.layers.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Runtime of {@link FusedBnReluLayer}: native BatchNorm with the ReLU and its mask applied in place. */
public class FusedBnRelu extends NativeBatchNorm {

    /** Output of the last training-mode forward pass (the ReLU mask is {@code output > 0}). */
    private INDArray output;

    public FusedBnRelu(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray y = super.activate(training, workspaceMgr);
        Transforms.relu(y, false);
        if (training) {
            output = y;
        }
        return y;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (output == null) {
            throw new IllegalStateException("fused BN-ReLU " + layerId() + ": backprop without a training forward pass");
        }
        INDArray dy = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, output.shape());
        NativeOps.reluBackprop(output, NativeArrays.contiguous(epsilon.castTo(dataType)), dy);
        output = null;
        return super.backpropGradient(dy, workspaceMgr);
    }
}
