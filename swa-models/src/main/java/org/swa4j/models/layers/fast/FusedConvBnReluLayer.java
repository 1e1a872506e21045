package org.swa4j.models.layers.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.swa4j.models.layers.HeNormalFanOut;
import org.swa4j.models.layers.RegularisedBatchNormalization;

/**
 * One layer computing {@code relu(BN(conv(x)))}: a bias-free {@code k x k} convolution with stride
 * and symmetric zero padding, then BatchNorm (eps, decay as DL4J: running {@code mean}/{@code var}
 * updated as {@code decay * running + (1 - decay) * batch}, biased batch variance), then ReLU, on
 * libnd4j's native ops (OneDNN). It computes exactly what stock
 * {@code ConvolutionLayer(hasBias=false) -> BatchNormalization(useLogStd=false) -> ActivationLayer(RELU)}
 * computes, with the same parameter layout, but keeps no ReLU input copy and applies the ReLU
 * and its gradient in place.
 *
 * <p>{@code W} is initialised He-normal with fan-out ({@link HeNormalFanOut}). L2/weight decay from
 * the network applies to {@code W}, {@code gamma} and {@code beta} (as the stock convolution followed by
 * a {@link RegularisedBatchNormalization}); {@code mean}/{@code var} get DL4J's no-op updater and no decay. Rejects non-positive sizes, negative padding,
 * eps &lt;= 0 and decay outside [0, 1).
 */
public class FusedConvBnReluLayer extends FeedForwardLayer {

    private int kernel;
    private int stride;
    private int padding;
    private double eps;
    private double decay;
    /** Set by DL4J from the input type ({@link #setNIn}), as for the stock convolution. */
    private CNN2DFormat dataFormat = CNN2DFormat.NCHW;

    /** For Jackson (deserialisation of saved networks). */
    public FusedConvBnReluLayer() {
    }

    public FusedConvBnReluLayer(int nIn, int nOut, int kernel, int stride, int padding, double eps, double decay) {
        if (nIn < 1 || nOut < 1 || kernel < 1 || stride < 1) {
            throw new IllegalArgumentException("nIn, nOut, kernel and stride must be >= 1, got nIn " + nIn + " nOut " + nOut
                    + " kernel " + kernel + " stride " + stride);
        }
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps must be > 0, got " + eps);
        }
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("decay must be in [0, 1), got " + decay);
        }
        this.nIn = nIn;
        this.nOut = nOut;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.eps = eps;
        this.decay = decay;
        setWeightInitFn(new HeNormalFanOut());
    }

    public int getKernel() {
        return kernel;
    }

    public void setKernel(int kernel) {
        this.kernel = kernel;
    }

    public int getStride() {
        return stride;
    }

    public void setStride(int stride) {
        this.stride = stride;
    }

    public int getPadding() {
        return padding;
    }

    public void setPadding(int padding) {
        this.padding = padding;
    }

    public double getEps() {
        return eps;
    }

    public void setEps(double eps) {
        this.eps = eps;
    }

    public CNN2DFormat getDataFormat() {
        return dataFormat;
    }

    public void setDataFormat(CNN2DFormat dataFormat) {
        this.dataFormat = dataFormat;
    }

    public double getDecay() {
        return decay;
    }

    public void setDecay(double decay) {
        this.decay = decay;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        FusedConvBnRelu layer = new FusedConvBnRelu(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return FusedConvBnReluParams.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c)) {
            throw new IllegalArgumentException("FusedConvBnReluLayer needs convolutional input, got " + inputType);
        }
        return InputType.convolutional(NativeOps.outSize(c.getHeight(), kernel, stride, padding),
                NativeOps.outSize(c.getWidth(), kernel, stride, padding), nOut, c.getFormat());
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c)) {
            throw new IllegalArgumentException("FusedConvBnReluLayer needs convolutional input, got " + inputType);
        }
        if (nIn <= 0 || override) {
            nIn = c.getChannels();
        }
        dataFormat = c.getFormat();
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return FusedConvBnReluParams.WEIGHT.equals(paramName) ? super.getRegularizationByParam(paramName)
                : RegularisedBatchNormalization.forParam(this, paramName);
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return FusedConvBnReluParams.MEAN.equals(paramName) || FusedConvBnReluParams.VAR.equals(paramName)
                ? new NoOp() : iUpdater;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        long params = initializer().numParams(this);
        long activations = out.arrayElementsPerExample();
        return new LayerMemoryReport.Builder(layerName, FusedConvBnReluLayer.class, inputType, out)
                .standardMemory(params, params)
                .workingMemory(0, 0, activations, 2 * activations)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }
}
