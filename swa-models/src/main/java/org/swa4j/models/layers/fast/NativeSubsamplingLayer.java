package org.swa4j.models.layers.fast;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.swa4j.models.layers.StockConfigCopy;

/**
 * Configuration of max or average pooling computed by libnd4j's {@code maxpool2d}/{@code avgpool2d}
 * ops and their {@code _bp} (OneDNN), equal to the stock {@link SubsamplingLayer} it is copied from.
 *
 * <p>Rejects pooling types other than MAX and AVG, padding, non-square kernels or strides,
 * dilation and convolution modes other than {@code Truncate}. NCHW or NHWC: DL4J sets the data format
 * from the input type.
 */
public class NativeSubsamplingLayer extends SubsamplingLayer {

    /** For Jackson (deserialisation of saved networks). */
    public NativeSubsamplingLayer() {
    }

    /** A native copy of a stock pooling configuration; rejects settings listed in the class doc. */
    public static NativeSubsamplingLayer of(SubsamplingLayer stock) {
        NativeSubsamplingLayer layer = StockConfigCopy.copy(stock, SubsamplingLayer.class, new NativeSubsamplingLayer());
        int[] k = layer.getKernelSize();
        int[] s = layer.getStride();
        int[] p = layer.getPadding();
        int[] d = layer.getDilation();
        if (layer.getPoolingType() != org.deeplearning4j.nn.conf.layers.PoolingType.MAX && layer.getPoolingType() != org.deeplearning4j.nn.conf.layers.PoolingType.AVG) {
            throw new IllegalArgumentException("native pooling supports MAX and AVG, got " + layer.getPoolingType());
        }
        if (k[0] != k[1] || s[0] != s[1]) {
            throw new IllegalArgumentException("native pooling needs square kernel and stride, got kernel "
                    + k[0] + "x" + k[1] + " stride " + s[0] + "x" + s[1]);
        }
        if (p[0] != 0 || p[1] != 0 || d[0] != 1 || d[1] != 1) {
            throw new IllegalArgumentException("native pooling needs padding 0 and dilation 1, got padding "
                    + p[0] + "x" + p[1] + " dilation " + d[0] + "x" + d[1]);
        }
        if (layer.getConvolutionMode() != ConvolutionMode.Truncate) {
            throw new IllegalArgumentException("native pooling needs Truncate mode, got " + layer.getConvolutionMode());
        }
        return layer;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        NativeSubsampling layer = new NativeSubsampling(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }
}
