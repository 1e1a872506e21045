package org.swa4j.models.layers.fast;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.swa4j.models.layers.RegularisedBatchNormalization;
import org.swa4j.models.layers.StockConfigCopy;

/**
 * Configuration of a spatial BatchNorm computed by libnd4j's {@code batchnorm}/{@code batchnorm_bp}
 * ops (OneDNN). Parameters {@code gamma, beta, mean, var}, running-statistics update
 * ({@code mean <- decay * mean + (1 - decay) * batchMean}, biased batch variance likewise, applied
 * by DL4J's no-op updater as in the stock layer) and outputs equal the stock
 * {@link BatchNormalization} it is copied from. As a {@link RegularisedBatchNormalization}, its
 * {@code gamma} and {@code beta} take the layer's weight decay.
 *
 * <p>Rejects log10-std storage ({@code useLogStd}) and locked gamma/beta. NCHW or NHWC: DL4J sets the
 * data format from the input type.
 */
public class NativeBatchNormalization extends RegularisedBatchNormalization {

    /** For Jackson (deserialisation of saved networks). */
    public NativeBatchNormalization() {
    }

    /**
     * A native copy of a stock BatchNorm configuration (DL4J's or a {@link RegularisedBatchNormalization});
     * rejects settings listed in the class doc.
     */
    public static NativeBatchNormalization of(BatchNormalization stock) {
        NativeBatchNormalization layer = StockConfigCopy.copy(stock, BatchNormalization.class, new NativeBatchNormalization());
        if (layer.isUseLogStd()) {
            throw new IllegalArgumentException("native BatchNorm stores the variance: useLogStd must be false");
        }
        if (layer.isLockGammaBeta()) {
            throw new IllegalArgumentException("native BatchNorm needs trainable gamma/beta: lockGammaBeta must be false");
        }
        return layer;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        NativeBatchNorm layer = new NativeBatchNorm(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }
}
