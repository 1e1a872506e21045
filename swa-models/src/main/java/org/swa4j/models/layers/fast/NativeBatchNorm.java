package org.swa4j.models.layers.fast;

import java.util.HashMap;
import java.util.Map;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.swa4j.core.FusedBatchNorm;

/**
 * Runtime of {@link NativeBatchNormalization} for rank-4 NCHW or NHWC input (rank-2 input falls back to
 * the stock implementation). Training mode normalises with the batch mean and biased batch
 * variance over (N, H, W); inference with the running {@code mean}/{@code var}. It reports the
 * moments of its last training-mode pass ({@link FusedBatchNorm}), so that BatchNorm recalibration
 * does not compute them a second time.
 */
public class NativeBatchNorm extends org.deeplearning4j.nn.layers.normalization.BatchNormalization
        implements FusedBatchNorm {

    private final BatchMoments moments = new BatchMoments();

    public NativeBatchNorm(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (input.rank() != 4) {
            if (training) {
                moments.compute(input, false);
            }
            INDArray out = super.activate(training, workspaceMgr);
            return fusedRelu() ? Transforms.relu(out, false) : out;
        }
        INDArray x = NativeArrays.contiguous(input.castTo(dataType));
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape());
        INDArray gamma = vector(BatchNormalizationParamInitializer.GAMMA);
        INDArray beta = vector(BatchNormalizationParamInitializer.BETA);
        if (training) {
            moments.computeAndNormalize(x, gamma, beta, layerConf().getEps(), fusedRelu(), nhwc(), out, workspaceMgr);
        } else {
            BatchMoments.normalize(x, vector(BatchNormalizationParamInitializer.GLOBAL_MEAN),
                    vector(BatchNormalizationParamInitializer.GLOBAL_VAR), gamma, beta, layerConf().getEps(), fusedRelu(),
                    nhwc(), out);
        }
        return out;
    }

    /** Whether a ReLU follows the normalisation inside this layer ({@link FusedBnRelu}). */
    protected boolean fusedRelu() {
        return false;
    }

    /** The output of the last training-mode forward pass, after the ReLU; only with {@link #fusedRelu()}. */
    protected INDArray reluOutput() {
        throw new UnsupportedOperationException("no fused ReLU in " + layerId());
    }

    @Override
    public INDArray[] lastBatchMoments() {
        return moments.last("native BatchNorm " + layerId());
    }

    private boolean nhwc() {
        return layerConf().getCnn2DFormat() == CNN2DFormat.NHWC;
    }

    /** {@code [C]} views of the parameters, by key, with the parameter array each was made from. */
    private final Map<String, INDArray[]> vectors = new HashMap<>();

    /** Parameter {@code key} as a [C] view, made once per parameter array (DL4J stores them as [1, C]). */
    private INDArray vector(String key) {
        INDArray p = getParam(key);
        INDArray[] cached = vectors.get(key);
        if (cached == null || cached[0] != p) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                cached = new INDArray[] {p, p.reshape(p.length())};
            }
            vectors.put(key, cached);
        }
        return cached[1];
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (input.rank() != 4) {
            INDArray dOut = epsilon;
            if (fusedRelu()) {
                dOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, epsilon.shape());
                NativeOps.reluBackprop(reluOutput(), epsilon.castTo(dataType), dOut);
            }
            return super.backpropGradient(dOut, workspaceMgr);
        }
        INDArray x = NativeArrays.contiguous(input.castTo(dataType));
        moments.computeIfStale(x, nhwc());
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape());
        INDArray dGamma = gradientViews.get(BatchNormalizationParamInitializer.GAMMA);
        INDArray dBeta = gradientViews.get(BatchNormalizationParamInitializer.BETA);
        INDArray dMean = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        INDArray dVar = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_VAR);
        INDArray dOut = NativeArrays.contiguous(epsilon.castTo(dataType));
        moments.backward(x, dOut, fusedRelu() ? reluOutput() : null, vector(BatchNormalizationParamInitializer.GAMMA),
                vector(BatchNormalizationParamInitializer.BETA), layerConf().getEps(), nhwc(), dx, dGamma, dBeta, dMean, dVar,
                workspaceMgr);
        RunningStats.pseudoGradient(vector(BatchNormalizationParamInitializer.GLOBAL_MEAN), moments.mean(),
                layerConf().getDecay(), dMean);
        RunningStats.pseudoGradient(vector(BatchNormalizationParamInitializer.GLOBAL_VAR), moments.var(),
                layerConf().getDecay(), dVar);
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGamma);
        gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBeta);
        gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_MEAN, dMean);
        gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_VAR, dVar);
        return new Pair<>(gradient, backpropDropOutIfPresent(dx));
    }
}
