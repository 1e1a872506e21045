package org.swa4j.models.layers.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.swa4j.core.FusedBatchNorm;

/**
 * Runtime of {@link FusedConvBnReluLayer}. Forward (training): {@code z = conv2d(x, W)}, then
 * {@code y = relu(batchnorm(z))} with z's batch moments ({@link BatchMoments}); backward: BatchNorm
 * and ReLU backward to dL/dz, then the convolution's. z and y live in the activations workspace
 * between forward and backward. Inference uses the running statistics, folded into the convolution
 * where oneDNN runs it. NCHW or NHWC, as DL4J sets the layer's data format.
 */
public class FusedConvBnRelu extends BaseLayer<FusedConvBnReluLayer> implements FusedBatchNorm {

    private final BatchMoments moments = new BatchMoments();
    /** Pre-normalisation values of the last training-mode forward pass. */
    private INDArray preNorm;
    /** Output of the last training-mode forward pass. */
    private INDArray output;

    public FusedConvBnRelu(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !(FusedConvBnReluParams.MEAN.equals(paramName) || FusedConvBnReluParams.VAR.equals(paramName));
    }

    private boolean nhwc() {
        return layerConf().getDataFormat() == CNN2DFormat.NHWC;
    }

    private INDArray vector(String key) {
        INDArray p = getParam(key);
        return p.reshape(p.length());
    }

    /** The convolution's output shape, [N, out, H', W'] or [N, H', W', out], for an input {@code x} (checked). */
    private long[] outputShape(INDArray x) {
        FusedConvBnReluLayer c = layerConf();
        if (x.rank() != 4 || x.size(nhwc() ? 3 : 1) != c.getNIn()) {
            throw new IllegalArgumentException("fused conv-BN-ReLU " + layerId() + " expects "
                    + (nhwc() ? "[N, H, W, " + c.getNIn() + "]" : "[N, " + c.getNIn() + ", H, W]")
                    + " input, got " + java.util.Arrays.toString(x.shape()));
        }
        return NativeOps.outputShape(x, c.getNOut(), c.getKernel(), c.getStride(), c.getPadding(), nhwc());
    }

    private INDArray convolve(INDArray x, ArrayType type, LayerWorkspaceMgr workspaceMgr) {
        FusedConvBnReluLayer c = layerConf();
        INDArray z = workspaceMgr.createUninitialized(type, dataType, outputShape(x));
        NativeOps.conv2d(x, getParam(FusedConvBnReluParams.WEIGHT), null, c.getKernel(), c.getStride(), c.getPadding(),
                nhwc(), z);
        return z;
    }

    /**
     * Inference with the BatchNorm folded into the convolution: {@code relu(conv(x, W * s) + beta - mean * s)}
     * with {@code s = gamma / sqrt(var + eps)} per output channel, the ReLU a oneDNN post-op. One pass
     * over the output instead of three (convolution, normalisation, ReLU); equal to the unfolded
     * computation up to float rounding.
     */
    private INDArray inferFolded(INDArray x, LayerWorkspaceMgr workspaceMgr) {
        FusedConvBnReluLayer c = layerConf();
        long[] shape = outputShape(x);
        int nOut = (int) c.getNOut();
        double[] gamma = vector(FusedConvBnReluParams.GAMMA).toDoubleVector();
        double[] beta = vector(FusedConvBnReluParams.BETA).toDoubleVector();
        double[] mean = vector(FusedConvBnReluParams.MEAN).toDoubleVector();
        double[] var = vector(FusedConvBnReluParams.VAR).toDoubleVector();
        float[] scale = new float[nOut];
        float[] shift = new float[nOut];
        for (int o = 0; o < nOut; o++) {
            double s = gamma[o] / Math.sqrt(var[o] + c.getEps());
            scale[o] = (float) s;
            shift[o] = (float) (beta[o] - mean[o] * s);
        }
        INDArray w = getParam(FusedConvBnReluParams.WEIGHT);
        INDArray folded = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType, w.shape());
        folded.assign(w);
        folded.reshape(nOut, folded.length() / nOut).muliColumnVector(Nd4j.createFromArray(scale).reshape(nOut, 1));
        INDArray bias = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType, nOut);
        bias.assign(Nd4j.createFromArray(shift));
        INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, shape);
        DnnlConvolution.forwardRelu(x, folded, bias, c.getKernel(), c.getStride(), c.getPadding(), nhwc(), y);
        return y;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = NativeArrays.contiguous(input.castTo(dataType));
        if (!training && DnnlConvolution.supports(x, getParam(FusedConvBnReluParams.WEIGHT))) {
            return inferFolded(x, workspaceMgr);
        }
        INDArray z = convolve(x, ArrayType.ACTIVATIONS, workspaceMgr);
        INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, z.shape());
        INDArray gamma = vector(FusedConvBnReluParams.GAMMA);
        INDArray beta = vector(FusedConvBnReluParams.BETA);
        if (training) {
            moments.computeAndNormalize(z, gamma, beta, layerConf().getEps(), true, nhwc(), y, workspaceMgr);
            preNorm = z;
            output = y;
        } else {
            BatchMoments.normalize(z, vector(FusedConvBnReluParams.MEAN), vector(FusedConvBnReluParams.VAR), gamma, beta,
                    layerConf().getEps(), true, nhwc(), y);
        }
        return y;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (preNorm == null) {
            throw new IllegalStateException("fused conv-BN-ReLU " + layerId() + ": backprop without a training forward pass");
        }
        INDArray x = NativeArrays.contiguous(input.castTo(dataType));
        INDArray dOut = NativeArrays.contiguous(epsilon.castTo(dataType));
        INDArray dGamma = gradientViews.get(FusedConvBnReluParams.GAMMA);
        INDArray dBeta = gradientViews.get(FusedConvBnReluParams.BETA);
        INDArray dMean = gradientViews.get(FusedConvBnReluParams.MEAN);
        INDArray dVar = gradientViews.get(FusedConvBnReluParams.VAR);
        INDArray dz = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, preNorm.shape());
        moments.backward(preNorm, dOut, output, vector(FusedConvBnReluParams.GAMMA), vector(FusedConvBnReluParams.BETA),
                layerConf().getEps(), nhwc(), dz, dGamma, dBeta, dMean, dVar, workspaceMgr);
        RunningStats.pseudoGradient(vector(FusedConvBnReluParams.MEAN), moments.mean(), layerConf().getDecay(), dMean);
        RunningStats.pseudoGradient(vector(FusedConvBnReluParams.VAR), moments.var(), layerConf().getDecay(), dVar);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape());
        INDArray dW = gradientViews.get(FusedConvBnReluParams.WEIGHT);
        FusedConvBnReluLayer c = layerConf();
        NativeOps.conv2dBackprop(x, getParam(FusedConvBnReluParams.WEIGHT), dz, c.getKernel(), c.getStride(),
                c.getPadding(), nhwc(), dx, dW, null);
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(FusedConvBnReluParams.WEIGHT, dW, 'c');
        gradient.setGradientFor(FusedConvBnReluParams.GAMMA, dGamma);
        gradient.setGradientFor(FusedConvBnReluParams.BETA, dBeta);
        gradient.setGradientFor(FusedConvBnReluParams.MEAN, dMean);
        gradient.setGradientFor(FusedConvBnReluParams.VAR, dVar);
        preNorm = null;
        output = null;
        return new Pair<>(gradient, backpropDropOutIfPresent(dx));
    }

    @Override
    public INDArray[] lastBatchMoments() {
        return moments.last("fused conv-BN-ReLU " + layerId());
    }

    @Override
    public void clearNoiseWeightParams() {
        // no weight noise
    }
}
