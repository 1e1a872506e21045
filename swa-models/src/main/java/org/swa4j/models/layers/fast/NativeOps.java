package org.swa4j.models.layers.fast;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Thin calls into libnd4j's native convolution, BatchNorm and pooling ops, which dispatch to
 * OneDNN when ND4J runs with the OneDNN classifier ({@code -Djavacpp.platform.extension=-onednn-avx2}).
 * Float convolutions bypass libnd4j and call oneDNN with cached primitives ({@link DnnlConvolution}).
 *
 * <p>Activations are NCHW, or NHWC (channels last) where a method takes {@code nhwc}. Convolution
 * weights are DL4J's {@code [out, in, kH, kW]} either way (libnd4j weight format 1), so no permuted
 * copy is made. Outputs are written into the arrays the caller passes,
 * which lets the layers place them in DL4J's workspaces and write gradients straight into the
 * network's flat gradient view.
 */
final class NativeOps {

    /** libnd4j's data-format iArg of the 2-D conv/pool ops: 0 means NCHW, 1 NHWC. */
    private static int format(boolean nhwc) {
        return nhwc ? 1 : 0;
    }
    /** libnd4j iArg 10 of conv2d: 1 means weights [oC, iC, kH, kW]. */
    private static final int WEIGHTS_OIHW = 1;

    private NativeOps() {
    }

    private static int[] convArgs(int kernel, int stride, int padding, boolean nhwc) {
        return new int[] {kernel, kernel, stride, stride, padding, padding, 1, 1, 0, format(nhwc), WEIGHTS_OIHW};
    }

    /**
     * {@code out = conv2d(x, w) + b}; {@code b} may be null. Float arrays go to oneDNN directly
     * ({@link DnnlConvolution}), everything else to libnd4j's op.
     */
    static void conv2d(INDArray x, INDArray w, INDArray b, int kernel, int stride, int padding, boolean nhwc,
            INDArray out) {
        if (DnnlConvolution.supports(x, w, b, out)) {
            DnnlConvolution.forward(x, w, b, kernel, stride, padding, nhwc, out);
            return;
        }
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d")
                .addIntegerArguments(convArgs(kernel, stride, padding, nhwc))
                .addOutputs(out);
        op = b == null ? op.addInputs(x, w) : op.addInputs(x, w, b);
        Nd4j.exec(op.build());
    }

    /** Writes dL/dx, dL/dw and (if {@code db} is not null) dL/db for the upstream gradient {@code dOut}. */
    static void conv2dBackprop(INDArray x, INDArray w, INDArray dOut, int kernel, int stride, int padding, boolean nhwc,
            INDArray dx, INDArray dw, INDArray db) {
        if (DnnlConvolution.supports(x, w, dOut, dx, dw, db)) {
            DnnlConvolution.backward(x, w, dOut, kernel, stride, padding, nhwc, dx, dw, db);
            return;
        }
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d_bp")
                .addIntegerArguments(convArgs(kernel, stride, padding, nhwc));
        if (db == null) {
            op.addInputs(x, w, dOut).addOutputs(dx, dw);
        } else {
            // the op wants the bias as an input to produce its gradient; its values do not enter it
            op.addInputs(x, w, Nd4j.zeros(db.dataType(), db.length()), dOut).addOutputs(dx, dw, db);
        }
        Nd4j.exec(op.build());
    }

    /** {@code out = gamma * (x - mean) / sqrt(var + eps) + beta}, per channel (axis 1, or 3 if {@code nhwc}). */
    static void batchNorm(INDArray x, INDArray mean, INDArray var, INDArray gamma, INDArray beta, double eps,
            boolean nhwc, INDArray out) {
        Nd4j.exec(DynamicCustomOp.builder("batchnorm")
                .addInputs(x, mean, var, gamma, beta)
                .addOutputs(out)
                .addIntegerArguments(1, 1, nhwc ? 3 : 1)
                .addFloatingPointArguments(eps)
                .build());
    }

    /**
     * Training-mode BatchNorm backward, where {@code mean} and {@code var} are the batch moments of
     * {@code x} (the gradient flows through them). Writes dL/dx, dL/dgamma and dL/dbeta; {@code dMean}
     * and {@code dVar} are scratch outputs the op requires.
     */
    static void batchNormBackprop(INDArray x, INDArray mean, INDArray var, INDArray gamma, INDArray beta,
            INDArray dOut, double eps, boolean nhwc, INDArray dx, INDArray dMean, INDArray dVar, INDArray dGamma,
            INDArray dBeta) {
        Nd4j.exec(DynamicCustomOp.builder("batchnorm_bp")
                .addInputs(x, mean, var, gamma, beta, dOut)
                .addOutputs(dx, dMean, dVar, dGamma, dBeta)
                .addIntegerArguments(1, 1, nhwc ? 3 : 1)
                .addFloatingPointArguments(eps)
                .build());
    }

    private static int[] poolArgs(int kernel, int stride, boolean nhwc) {
        // kH, kW, sH, sW, pH, pW, dH, dW, sameMode, extraParam (avg: 0 = divide by kernel area), format
        return new int[] {kernel, kernel, stride, stride, 0, 0, 1, 1, 0, 0, format(nhwc)};
    }

    /** Max ({@code max = true}) or average pooling without padding. */
    static void pool2d(boolean max, INDArray x, int kernel, int stride, boolean nhwc, INDArray out) {
        Nd4j.exec(DynamicCustomOp.builder(max ? "maxpool2d" : "avgpool2d")
                .addInputs(x).addOutputs(out)
                .addIntegerArguments(poolArgs(kernel, stride, nhwc))
                .build());
    }

    /** Backward of {@link #pool2d}: writes dL/dx. */
    static void pool2dBackprop(boolean max, INDArray x, INDArray dOut, int kernel, int stride, boolean nhwc,
            INDArray dx) {
        Nd4j.exec(DynamicCustomOp.builder(max ? "maxpool2d_bp" : "avgpool2d_bp")
                .addInputs(x, dOut).addOutputs(dx)
                .addIntegerArguments(poolArgs(kernel, stride, nhwc))
                .build());
    }

    /** {@code dx = dOut * (y > 0)}, where {@code y} is the ReLU's output (or input: the sign is the same). */
    static void reluBackprop(INDArray y, INDArray dOut, INDArray dx) {
        Nd4j.exec(DynamicCustomOp.builder("relu_bp").addInputs(y, dOut).addOutputs(dx)
                .addFloatingPointArguments(0.0).build());
    }

    /**
     * The output shape of a 2-D convolution or pooling of {@code x} to {@code channels} channels: [N, C', H', W'],
     * or [N, H', W', C'] with {@code nhwc}.
     */
    static long[] outputShape(INDArray x, long channels, int kernel, int stride, int padding, boolean nhwc) {
        int h = nhwc ? 1 : 2;
        long outH = outSize(x.size(h), kernel, stride, padding);
        long outW = outSize(x.size(h + 1), kernel, stride, padding);
        return nhwc ? new long[] {x.size(0), outH, outW, channels} : new long[] {x.size(0), channels, outH, outW};
    }

    /** Number of output positions of a padded, strided window along one axis (floor, as PyTorch). */
    static long outSize(long in, int kernel, int stride, int padding) {
        return (in + 2L * padding - kernel) / stride + 1;
    }
}
