package org.swa4j.models.layers.fast;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.swa4j.models.layers.StockConfigCopy;

/**
 * Configuration of a 2-D convolution computed by libnd4j's {@code conv2d}/{@code conv2d_bp} ops
 * (OneDNN) instead of DL4J's Java im2col + gemm. Same parameters ({@code b}, {@code W} as
 * {@code [out, in, kH, kW]}), initialisation and output as the stock {@link ConvolutionLayer} it is
 * copied from.
 *
 * <p>Rejects what the native path does not implement: a non-identity activation, a convolution
 * mode other than {@code Truncate} (explicit symmetric padding), non-square kernels, strides or
 * paddings and dilation other than 1. NCHW or NHWC: DL4J sets the data format from the input type.
 */
public class NativeConvolutionLayer extends ConvolutionLayer {

    /** For Jackson (deserialisation of saved networks). */
    public NativeConvolutionLayer() {
    }

    /** A native copy of a stock convolution configuration; rejects settings listed in the class doc. */
    public static NativeConvolutionLayer of(ConvolutionLayer stock) {
        NativeConvolutionLayer layer = StockConfigCopy.copy(stock, ConvolutionLayer.class, new NativeConvolutionLayer());
        layer.validate();
        return layer;
    }

    void validate() {
        int[] k = getKernelSize();
        int[] s = getStride();
        int[] p = getPadding();
        int[] d = getDilation();
        if (getActivationFn() != null && !(getActivationFn() instanceof ActivationIdentity)) {
            throw new IllegalArgumentException("native convolution needs identity activation, got " + getActivationFn());
        }
        if (getConvolutionMode() != ConvolutionMode.Truncate) {
            throw new IllegalArgumentException("native convolution needs ConvolutionMode.Truncate, got " + getConvolutionMode());
        }
        if (k[0] != k[1] || s[0] != s[1] || p[0] != p[1]) {
            throw new IllegalArgumentException("native convolution needs square kernel/stride/padding, got kernel "
                    + k[0] + "x" + k[1] + " stride " + s[0] + "x" + s[1] + " padding " + p[0] + "x" + p[1]);
        }
        if (d[0] != 1 || d[1] != 1) {
            throw new IllegalArgumentException("native convolution needs dilation 1, got " + d[0] + "x" + d[1]);
        }
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("NativeConvolutionLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        NativeConvolution layer = new NativeConvolution(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }
}
