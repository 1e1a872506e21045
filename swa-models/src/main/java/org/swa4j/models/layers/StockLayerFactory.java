package org.swa4j.models.layers;

import java.util.List;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.activations.Activation;

/**
 * The stock DL4J layers (im2col + gemm orchestrated in Java), the reference for every other factory.
 * BatchNorm is DL4J's own with one change, {@link RegularisedBatchNormalization}: gamma and beta take
 * the layer's weight decay.
 */
public final class StockLayerFactory implements LayerFactory {

    @Override
    public String name() {
        return "stock";
    }

    @Override
    public Layer conv(int nIn, int nOut, int kernel, int stride, int padding, boolean bias, IWeightInit init) {
        return new ConvolutionLayer.Builder(kernel, kernel)
                .nIn(nIn).nOut(nOut)
                .stride(stride, stride)
                .padding(padding, padding)
                .convolutionMode(ConvolutionMode.Truncate)
                .hasBias(bias)
                .weightInit(init)
                .activation(Activation.IDENTITY)
                .build();
    }

    @Override
    public Layer batchNorm(int channels) {
        return batchNorm(channels, BATCH_NORM_DECAY);
    }

    /** {@link #batchNorm(int)} with DL4J decay {@code decay} in [0, 1). */
    public RegularisedBatchNormalization batchNorm(int channels, double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("BatchNorm decay " + decay + " must be in [0, 1)");
        }
        return RegularisedBatchNormalization.of(new BatchNormalization.Builder()
                .nIn(channels).nOut(channels)
                .eps(1e-5)
                .decay(decay)
                .useLogStd(false)
                .build());
    }

    @Override
    public Layer relu() {
        return new ActivationLayer.Builder().activation(Activation.RELU).build();
    }

    @Override
    public Layer maxPool(int kernel, int stride) {
        return new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(kernel, kernel)
                .stride(stride, stride).convolutionMode(ConvolutionMode.Truncate).build();
    }

    @Override
    public Layer avgPool(int kernel, int stride) {
        return new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(kernel, kernel)
                .stride(stride, stride).convolutionMode(ConvolutionMode.Truncate).build();
    }

    @Override
    public Layer globalAvgPool() {
        return new GlobalPoolingLayer.Builder(PoolingType.AVG).build();
    }

    @Override
    public List<Layer> convBnRelu(int nIn, int nOut, int kernel, int stride, int padding) {
        return List.of(conv(nIn, nOut, kernel, stride, padding, false), batchNorm(nOut), relu());
    }

    @Override
    public List<Layer> bnRelu(int channels, double decay) {
        return List.of(batchNorm(channels, decay), relu());
    }
}
