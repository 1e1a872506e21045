package org.swa4j.models.layers.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime of {@link FusedBnReluLayer}: native BatchNorm with the ReLU and its mask applied in place. */
public class FusedBnRelu extends NativeBatchNorm {

    /** Output of the last training-mode forward pass (the ReLU mask is {@code output > 0}). */
    private INDArray output;

    public FusedBnRelu(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected boolean fusedRelu() {
        return true;
    }

    @Override
    protected INDArray reluOutput() {
        if (output == null) {
            throw new IllegalStateException("fused BN-ReLU " + layerId() + ": backprop without a training forward pass");
        }
        return output;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray y = super.activate(training, workspaceMgr); // normalised and rectified
        if (training) {
            output = y;
        }
        return y;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        Pair<Gradient, INDArray> result = super.backpropGradient(epsilon, workspaceMgr); // masks by output > 0
        output = null;
        return result;
    }
}
