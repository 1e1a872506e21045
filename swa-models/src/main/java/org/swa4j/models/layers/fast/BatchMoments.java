package org.swa4j.models.layers.fast;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Moments;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Per-channel batch mean and biased variance of an NCHW (or, with {@code nhwc}, NHWC) array over
 * (N, H, W), or of an [N, C] array over N, kept in buffers outside any workspace that are reused across iterations; and the BatchNorm
 * normalisation that uses them.
 */
final class BatchMoments {

    private static final int[] NHW = {0, 2, 3};
    private static final int[] NHW_LAST = {0, 1, 2};
    private static final int[] N = {0};

    private INDArray mean;
    private INDArray var;
    /** The array the current moments were computed from (identity, not contents). */
    private INDArray source;
    /** Whether the last training forward ran through {@link DnnlBatchNorm} (NHWC float). */
    private boolean dnnl;
    /** That forward's ReLU mask (oneDNN's workspace), if it had a ReLU. */
    private INDArray reluMask;

    private void allocate(INDArray x, boolean nhwc) {
        long channels = x.size(nhwc ? 3 : 1);
        if (mean == null || mean.length() != channels || mean.dataType() != x.dataType()) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                mean = Nd4j.createUninitialized(x.dataType(), channels);
                var = Nd4j.createUninitialized(x.dataType(), channels);
            }
        }
    }

    /**
     * Training-mode BatchNorm forward of an NCHW or NHWC array: computes these moments from {@code x}
     * and writes {@code relu?(gamma * (x - mean) / sqrt(var + eps) + beta)} into {@code out}: through
     * oneDNN for float NHWC ({@link DnnlBatchNorm}, keeping the ReLU mask for {@link #backward}), else
     * {@link BatchNormKernels}, else libnd4j's ops.
     */
    void computeAndNormalize(INDArray x, INDArray gamma, INDArray beta, double eps, boolean relu, boolean nhwc,
            INDArray out, LayerWorkspaceMgr workspaceMgr) {
        dnnl = nhwc && DnnlBatchNorm.supports(x, out);
        reluMask = null;
        if (dnnl) {
            allocate(x, true);
            if (relu) {
                reluMask = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DnnlBatchNorm.workspaceType(),
                        DnnlBatchNorm.workspaceBytes(x, eps, true));
            }
            DnnlBatchNorm.forwardTraining(x, gamma, beta, eps, relu, out, mean, var, reluMask);
            source = x;
        } else if (BatchNormKernels.supports(x)) {
            allocate(x, nhwc);
            BatchNormKernels.trainingForward(x, gamma, beta, eps, relu, out, mean, var, nhwc);
            source = x;
        } else {
            compute(x, nhwc);
            normalize(x, mean, var, gamma, beta, eps, relu, nhwc, out);
        }
    }

    /** {@code out = relu?(gamma * (x - mean) / sqrt(var + eps) + beta)} per channel of an NCHW or NHWC array. */
    static void normalize(INDArray x, INDArray mean, INDArray var, INDArray gamma, INDArray beta, double eps,
            boolean relu, boolean nhwc, INDArray out) {
        if (nhwc && DnnlBatchNorm.supports(x, out, mean, var)) {
            DnnlBatchNorm.forwardInference(x, mean, var, gamma, beta, eps, relu, out);
        } else if (BatchNormKernels.supports(x)) {
            BatchNormKernels.normalize(x, mean, var, gamma, beta, eps, relu, out, nhwc);
        } else {
            NativeOps.batchNorm(x, mean, var, gamma, beta, eps, nhwc, out);
            if (relu) {
                Transforms.relu(out, false);
            }
        }
    }

    /**
     * Training-mode BatchNorm backward of an NCHW or NHWC array with these moments (the gradient flows through
     * them): writes dL/dx into {@code dx} and dL/dgamma, dL/dbeta into {@code dGamma}, {@code dBeta}.
     * With {@code reluOutput} (the forward output after a ReLU, else null) the incoming gradient is
     * masked by {@code reluOutput > 0} first. Where {@link BatchNormKernels} do not apply, libnd4j's
     * op runs and uses {@code dMean} and {@code dVar} as scratch outputs; the caller overwrites them.
     */
    void backward(INDArray x, INDArray dOut, INDArray reluOutput, INDArray gamma, INDArray beta, double eps,
            boolean nhwc, INDArray dx, INDArray dGamma, INDArray dBeta, INDArray dMean, INDArray dVar,
            LayerWorkspaceMgr workspaceMgr) {
        if (dnnl && source == x && DnnlBatchNorm.supports(x, dOut, dx)) {
            DnnlBatchNorm.backward(x, dOut, mean, var, gamma, beta, eps, reluOutput != null, reluMask, dx, dGamma, dBeta);
            reluMask = null;
            return;
        }
        if (BatchNormKernels.supports(x) && BatchNormKernels.supports(dOut)) {
            BatchNormKernels.backward(x, dOut, reluOutput, mean, var, gamma, eps, dx, dGamma, dBeta, nhwc);
            return;
        }
        INDArray g = dOut;
        if (reluOutput != null) {
            g = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dOut.dataType(), dOut.shape());
            NativeOps.reluBackprop(reluOutput, dOut, g);
        }
        NativeOps.batchNormBackprop(x, mean, var, gamma, beta, g, eps, nhwc, dx, dMean.reshape(dMean.length()),
                dVar.reshape(dVar.length()), dGamma.reshape(dGamma.length()), dBeta.reshape(dBeta.length()));
    }

    void compute(INDArray x, boolean nhwc) {
        allocate(x, nhwc);
        dnnl = false;
        reluMask = null;
        if (BatchNormKernels.supports(x)) {
            BatchNormKernels.moments(x, mean, var, nhwc);
        } else {
            // libnd4j's moments op: about 5x faster than a mean then a Variance reduction over (N, H, W)
            // (the constructor taking the outputs adds the axes twice, which the op rejects)
            Moments op = new Moments(x, x.rank() == 4 ? (nhwc ? NHW_LAST : NHW) : N);
            op.addOutputArgument(mean, var);
            Nd4j.exec(op);
        }
        source = x;
    }

    /** Recomputes unless the moments were last computed from this very array. */
    void computeIfStale(INDArray x, boolean nhwc) {
        if (source != x) {
            compute(x, nhwc);
        }
    }

    /**
     * {@code {mean, var}} of the last computation, for {@code FusedBatchNorm.lastBatchMoments}.
     *
     * @throws IllegalStateException naming {@code layer} if nothing has been computed yet
     */
    INDArray[] last(String layer) {
        if (source == null) {
            throw new IllegalStateException(layer + " has not run a training forward pass");
        }
        return new INDArray[] {mean, var};
    }

    INDArray mean() {
        return mean;
    }

    INDArray var() {
        return var;
    }
}
