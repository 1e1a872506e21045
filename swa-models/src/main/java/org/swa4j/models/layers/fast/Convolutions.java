package org.swa4j.models.layers.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The 2-D convolution the fast layers use, as plain operations on NCHW or NHWC arrays, for custom
 * layers and for op-level benchmarks. Float arrays go to oneDNN directly ({@link #engine()} says whether
 * that is available in this JVM); anything else to libnd4j's {@code conv2d}/{@code conv2d_bp}.
 *
 * <p>Square kernel, equal strides, symmetric zero padding, no dilation. Weights are DL4J's
 * {@code [out, in, kH, kW]}. Outputs are written into the arrays passed, which must have the right
 * shape: {@code out} is {@code [N, out, H', W']} (NHWC: {@code [N, H', W', out]}) with
 * {@code H' = (H + 2 padding - kernel) / stride + 1}. Without a format argument the arrays are NCHW.
 */
public final class Convolutions {

    private Convolutions() {
    }

    /** {@code out = conv2d(x, w) + b} on NCHW arrays; {@code b} ({@code [out]}) may be null. */
    public static void forward(INDArray x, INDArray w, INDArray b, int kernel, int stride, int padding, INDArray out) {
        forward(x, w, b, kernel, stride, padding, CNN2DFormat.NCHW, out);
    }

    /** {@code out = conv2d(x, w) + b} with activations in {@code format}; {@code b} ({@code [out]}) may be null. */
    public static void forward(INDArray x, INDArray w, INDArray b, int kernel, int stride, int padding, CNN2DFormat format,
            INDArray out) {
        NativeOps.conv2d(x, w, b, kernel, stride, padding, format == CNN2DFormat.NHWC, out);
    }

    /**
     * Writes dL/dx, dL/dW and, if {@code db} is not null, dL/db of {@code conv2d(x, w) + b} for the
     * upstream gradient {@code dOut}.
     */
    public static void backward(INDArray x, INDArray w, INDArray dOut, int kernel, int stride, int padding, INDArray dx,
            INDArray dw, INDArray db) {
        backward(x, w, dOut, kernel, stride, padding, CNN2DFormat.NCHW, dx, dw, db);
    }

    /** {@link #backward(INDArray, INDArray, INDArray, int, int, int, INDArray, INDArray, INDArray)} with activations in {@code format}. */
    public static void backward(INDArray x, INDArray w, INDArray dOut, int kernel, int stride, int padding,
            CNN2DFormat format, INDArray dx, INDArray dw, INDArray db) {
        NativeOps.conv2dBackprop(x, w, dOut, kernel, stride, padding, format == CNN2DFormat.NHWC, dx, dw, db);
    }

    /** {@code (in + 2 padding - kernel) / stride + 1}, the output size along one axis. */
    public static long outSize(long in, int kernel, int stride, int padding) {
        return NativeOps.outSize(in, kernel, stride, padding);
    }

    /** What computes float convolutions in this JVM: {@code "oneDNN 2.5.2 (direct)"} or libnd4j and why. */
    public static String engine() {
        return DnnlConvolution.engine();
    }
}
