package org.swa4j.models.layers.fast;

import java.util.List;

import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.swa4j.models.layers.LayerFactory;
import org.swa4j.models.layers.StockLayerFactory;

/**
 * Convolution, BatchNorm and pooling on libnd4j's native ops (OneDNN), one DL4J layer each;
 * activations and global pooling stay stock (they are cheap element-wise/reduction ops already
 * native in ND4J). Every layer is the stock layer's configuration with a native runtime, so
 * parameters, initialisation and serialised settings match {@link StockLayerFactory}.
 */
public final class NativeLayerFactory implements LayerFactory {

    private final StockLayerFactory stock = new StockLayerFactory();

    @Override
    public String name() {
        return "native";
    }

    @Override
    public Layer conv(int nIn, int nOut, int kernel, int stride, int padding, boolean bias, IWeightInit init) {
        return NativeConvolutionLayer.of((ConvolutionLayer) stock.conv(nIn, nOut, kernel, stride, padding, bias, init));
    }

    @Override
    public Layer batchNorm(int channels) {
        return NativeBatchNormalization.of(stock.batchNorm(channels, BATCH_NORM_DECAY));
    }

    @Override
    public Layer relu() {
        return stock.relu();
    }

    @Override
    public Layer maxPool(int kernel, int stride) {
        return NativeSubsamplingLayer.of((SubsamplingLayer) stock.maxPool(kernel, stride));
    }

    @Override
    public Layer avgPool(int kernel, int stride) {
        return NativeSubsamplingLayer.of((SubsamplingLayer) stock.avgPool(kernel, stride));
    }

    @Override
    public Layer globalAvgPool() {
        return stock.globalAvgPool();
    }

    @Override
    public List<Layer> convBnRelu(int nIn, int nOut, int kernel, int stride, int padding) {
        return List.of(conv(nIn, nOut, kernel, stride, padding, false), batchNorm(nOut), relu());
    }

    @Override
    public List<Layer> bnRelu(int channels, double decay) {
        return List.of(NativeBatchNormalization.of(stock.batchNorm(channels, decay)), relu());
    }
}
