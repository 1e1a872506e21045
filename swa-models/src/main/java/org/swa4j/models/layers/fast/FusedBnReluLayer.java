package org.swa4j.models.layers.fast;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.swa4j.models.layers.StockConfigCopy;

/**
 * {@code relu(BN(x))} in one layer: the pre-activation of PreResNet, WideResNet and PyramidNet
 * blocks. A {@link NativeBatchNormalization} (same parameters, statistics and checks) whose output
 * gets the ReLU in place, and whose backward pass applies the ReLU mask to the incoming gradient
 * before {@code batchnorm_bp}; equal to stock {@code BatchNormalization -> ActivationLayer(RELU)}.
 * Its configuration is a {@link BatchNormalization}, so BatchNorm recalibration treats it as one.
 */
public class FusedBnReluLayer extends NativeBatchNormalization {

    /** For Jackson (deserialisation of saved networks). */
    public FusedBnReluLayer() {
    }

    /** A fused copy of a stock BatchNorm configuration; rejects what {@link NativeBatchNormalization#of} rejects. */
    public static FusedBnReluLayer of(BatchNormalization stock) {
        return StockConfigCopy.copy(NativeBatchNormalization.of(stock), NativeBatchNormalization.class, new FusedBnReluLayer());
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        FusedBnRelu layer = new FusedBnRelu(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }
}
