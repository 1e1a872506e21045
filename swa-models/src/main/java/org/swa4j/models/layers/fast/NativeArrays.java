package org.swa4j.models.layers.fast;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/** Layout helpers for arrays handed to native ops. */
final class NativeArrays {

    private NativeArrays() {
    }

    /** {@code a} itself if it is a C-order array with default strides, else a C-order copy in the current workspace. */
    static INDArray contiguous(INDArray a) {
        if (a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a)) {
            return a;
        }
        return a.dup('c');
    }
}
