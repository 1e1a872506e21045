package org.swa4j.models.layers.fast;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Layout helpers for arrays handed to native ops. */
final class NativeArrays {

    private NativeArrays() {
    }

    /**
     * Whether {@code a}'s elements lie densely in row-major (C) order from its first element. The stride
     * of a dimension of size 1 is ignored: ND4J gives such dimensions either stride, and its own
     * {@code Shape.hasDefaultStridesForShape} rejects, for example, a [128, 1, 28, 28] array with strides
     * [784, 784, 28, 1], which is dense.
     */
    static boolean isDenseC(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    private static final boolean CPU_BACKEND =
            Nd4j.getBackend().getClass().getName().equals("org.nd4j.linalg.cpu.nativecpu.CpuBackend");

    /**
     * Whether ND4J runs on its native CPU backend, where an array's buffer address is host memory that
     * Java kernels may read and write directly (on the CUDA backend it is not).
     */
    static boolean cpuBackend() {
        return CPU_BACKEND;
    }

    /** {@code a} itself if it is dense in C order, else a C-order copy in the current workspace. */
    static INDArray contiguous(INDArray a) {
        return isDenseC(a) ? a : a.dup('c');
    }
}
