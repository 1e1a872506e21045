package org.swa4j.models.layers.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime of {@link NativeConvolutionLayer}: forward {@code conv2d}, backward {@code conv2d_bp},
 * with the weight and bias gradients written straight into the network's gradient view.
 */
public class NativeConvolution extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {

    public NativeConvolution(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean nhwc() {
        return layerConf().getCnn2dDataFormat() == CNN2DFormat.NHWC;
    }

    private int kernel() {
        return layerConf().getKernelSize()[0];
    }

    private int stride() {
        return layerConf().getStride()[0];
    }

    private int padding() {
        return layerConf().getPadding()[0];
    }

    private INDArray bias(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return layerConf().hasBias()
                ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr).reshape(layerConf().getNOut())
                : null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = NativeArrays.contiguous(input.castTo(dataType));
        if (x.rank() != 4 || x.size(nhwc() ? 3 : 1) != layerConf().getNIn()) {
            throw new IllegalArgumentException("native convolution " + layerId() + " expects "
                    + (nhwc() ? "[N, H, W, " + layerConf().getNIn() + "]" : "[N, " + layerConf().getNIn() + ", H, W]")
                    + " input, got " + java.util.Arrays.toString(x.shape()));
        }
        INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                NativeOps.outputShape(x, layerConf().getNOut(), kernel(), stride(), padding(), nhwc()));
        NativeOps.conv2d(x, w, bias(training, workspaceMgr), kernel(), stride(), padding(), nhwc(), out);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray x = NativeArrays.contiguous(input.castTo(dataType));
        INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape());
        INDArray dw = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray db = layerConf().hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
        NativeOps.conv2dBackprop(x, w, NativeArrays.contiguous(epsilon.castTo(dataType)),
                kernel(), stride(), padding(), nhwc(), dx, dw, db == null ? null : db.reshape(db.length()));
        Gradient gradient = new DefaultGradient();
        if (db != null) {
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, db);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, dw, 'c');
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(dx));
    }
}
