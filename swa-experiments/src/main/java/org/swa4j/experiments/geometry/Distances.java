package org.swa4j.experiments.geometry;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Euclidean distances between weight vectors of trainable parameters (paper, Section 4:
 * {@code ||w_SWA - w_SGD||} and the distance of each averaged snapshot from {@code w_SWA}),
 * accumulated in double precision. Rejects vectors of different lengths.
 */
public final class Distances {

    private Distances() {
    }

    /** {@code ||a - b||_2}. */
    public static double between(INDArray a, INDArray b) {
        if (a.length() != b.length()) {
            throw new IllegalArgumentException("vectors of different lengths: " + a.length() + " and " + b.length());
        }
        INDArray diff = a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .subi(b.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE));
        return diff.norm2Number().doubleValue();
    }
}
