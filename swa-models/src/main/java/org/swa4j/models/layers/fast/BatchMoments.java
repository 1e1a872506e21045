package org.swa4j.models.layers.fast;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Moments;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Per-channel batch mean and biased variance of an NCHW array over (N, H, W), or of an [N, C] array
 * over N, kept in buffers outside any workspace that are reused across iterations; and the BatchNorm
 * normalisation that uses them.
 */
final class BatchMoments {

    private static final int[] NHW = {0, 2, 3};
    private static final int[] N = {0};

    private INDArray mean;
    private INDArray var;
    /** The array the current moments were computed from (identity, not contents). */
    private INDArray source;

    private void allocate(INDArray x) {
        long channels = x.size(1);
        if (mean == null || mean.length() != channels || mean.dataType() != x.dataType()) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                mean = Nd4j.createUninitialized(x.dataType(), channels);
                var = Nd4j.createUninitialized(x.dataType(), channels);
            }
        }
    }

    /**
     * Training-mode BatchNorm forward of an NCHW array: computes these moments from {@code x} and
     * writes {@code relu?(gamma * (x - mean) / sqrt(var + eps) + beta)} into {@code out}, in one pass
     * per channel where {@link BatchNormKernels} apply.
     */
    void computeAndNormalize(INDArray x, INDArray gamma, INDArray beta, double eps, boolean relu, INDArray out) {
        if (BatchNormKernels.supports(x)) {
            allocate(x);
            BatchNormKernels.trainingForward(x, gamma, beta, eps, relu, out, mean, var);
            source = x;
        } else {
            compute(x);
            normalize(x, mean, var, gamma, beta, eps, relu, out);
        }
    }

    /** {@code out = relu?(gamma * (x - mean) / sqrt(var + eps) + beta)} per channel of an NCHW array. */
    static void normalize(INDArray x, INDArray mean, INDArray var, INDArray gamma, INDArray beta, double eps,
            boolean relu, INDArray out) {
        if (BatchNormKernels.supports(x)) {
            BatchNormKernels.normalize(x, mean, var, gamma, beta, eps, relu, out);
        } else {
            NativeOps.batchNorm(x, mean, var, gamma, beta, eps, out);
            if (relu) {
                Transforms.relu(out, false);
            }
        }
    }

    /**
     * Training-mode BatchNorm backward of an NCHW array with these moments (the gradient flows through
     * them): writes dL/dx into {@code dx} and dL/dgamma, dL/dbeta into {@code dGamma}, {@code dBeta}.
     * With {@code reluOutput} (the forward output after a ReLU, else null) the incoming gradient is
     * masked by {@code reluOutput > 0} first. Where {@link BatchNormKernels} do not apply, libnd4j's
     * op runs and uses {@code dMean} and {@code dVar} as scratch outputs; the caller overwrites them.
     */
    void backward(INDArray x, INDArray dOut, INDArray reluOutput, INDArray gamma, INDArray beta, double eps,
            INDArray dx, INDArray dGamma, INDArray dBeta, INDArray dMean, INDArray dVar, LayerWorkspaceMgr workspaceMgr) {
        if (BatchNormKernels.supports(x) && BatchNormKernels.supports(dOut)) {
            BatchNormKernels.backward(x, dOut, reluOutput, mean, var, gamma, eps, dx, dGamma, dBeta);
            return;
        }
        INDArray g = dOut;
        if (reluOutput != null) {
            g = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dOut.dataType(), dOut.shape());
            NativeOps.reluBackprop(reluOutput, dOut, g);
        }
        NativeOps.batchNormBackprop(x, mean, var, gamma, beta, g, eps, dx, dMean.reshape(dMean.length()),
                dVar.reshape(dVar.length()), dGamma.reshape(dGamma.length()), dBeta.reshape(dBeta.length()));
    }

    void compute(INDArray x) {
        allocate(x);
        if (BatchNormKernels.supports(x)) {
            BatchNormKernels.moments(x, mean, var);
        } else {
            // libnd4j's moments op: about 5x faster than a mean then a Variance reduction over (N, H, W)
            // (the constructor taking the outputs adds the axes twice, which the op rejects)
            Moments op = new Moments(x, x.rank() == 4 ? NHW : N);
            op.addOutputArgument(mean, var);
            Nd4j.exec(op);
        }
        source = x;
    }

    /** Recomputes unless the moments were last computed from this very array. */
    void computeIfStale(INDArray x) {
        if (source != x) {
            compute(x);
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
