package org.swa4j.models.layers.fast;

import java.util.List;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.swa4j.models.layers.LayerFactory;
import org.swa4j.models.layers.StockLayerFactory;

/**
 * {@link NativeLayerFactory} plus one fused layer for every block: {@link #convBnRelu} is one
 * {@link FusedConvBnReluLayer} (convolution, BatchNorm and ReLU; same parameter layout as the
 * three stock layers) and {@link #bnRelu} one {@link FusedBnReluLayer}.
 */
public final class FusedLayerFactory implements LayerFactory {

    /** BatchNorm epsilon of the factory contract (PyTorch's 1e-5). */
    private static final double EPS = 1e-5;

    private final NativeLayerFactory separate = new NativeLayerFactory();

    @Override
    public String name() {
        return "fused";
    }

    /** System property: {@code false} keeps graphs built with this factory NCHW (for comparisons). */
    public static final String CHANNELS_LAST_PROPERTY = "swa4j.channelsLast";

    /**
     * Channels last unless {@code -Dswa4j.channelsLast=false}: oneDNN's convolutions then need no
     * reorders (docs/fast-layers.md has the figures).
     */
    @Override
    public boolean channelsLast() {
        return !"false".equalsIgnoreCase(System.getProperty(CHANNELS_LAST_PROPERTY));
    }

    @Override
    public Layer conv(int nIn, int nOut, int kernel, int stride, int padding, boolean bias, IWeightInit init) {
        return separate.conv(nIn, nOut, kernel, stride, padding, bias, init);
    }

    @Override
    public Layer batchNorm(int channels) {
        return separate.batchNorm(channels);
    }

    @Override
    public Layer relu() {
        return separate.relu();
    }

    @Override
    public Layer maxPool(int kernel, int stride) {
        return separate.maxPool(kernel, stride);
    }

    @Override
    public Layer avgPool(int kernel, int stride) {
        return separate.avgPool(kernel, stride);
    }

    @Override
    public Layer globalAvgPool() {
        return separate.globalAvgPool();
    }

    @Override
    public List<Layer> convBnRelu(int nIn, int nOut, int kernel, int stride, int padding) {
        return List.of(new FusedConvBnReluLayer(nIn, nOut, kernel, stride, padding, EPS, BATCH_NORM_DECAY));
    }

    @Override
    public List<Layer> bnRelu(int channels, double decay) {
        return List.of(FusedBnReluLayer.of(new StockLayerFactory().batchNorm(channels, decay)));
    }
}
