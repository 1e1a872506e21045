package org.swa4j.experiments.geometry;

import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Random directions in the space of trainable parameters, from a seed.
 *
 * <ul>
 *   <li>{@link #unitSphere}: a standard normal vector divided by its norm, which is uniform on the
 *   unit sphere (paper, Section 4.1 / Figure 4: distances are then Euclidean distances).</li>
 *   <li>{@link #filterNormalised}: Li et al., "Visualizing the Loss Landscape of Neural Nets"
 *   (NeurIPS 2018), Section 4: a standard normal direction rescaled filter by filter so that
 *   {@code ||d_f|| = ||w_f||}. A filter is an output channel of a rank-4 convolution weight
 *   ({@code [nOut, nIn, kH, kW]}, dimension 0) or an output unit of a rank-2 dense weight
 *   ({@code [nIn, nOut]}, a column); other tensors of rank 2 or more are one filter as a whole;
 *   biases and BN scale and shift (keys {@code b}, {@code gamma}, {@code beta}) and rank-1 tensors get a zero direction, as in their {@code ignore='biasbn'}
 *   setting. Distances are then relative to the weights' own scale.</li>
 * </ul>
 * Rejects vectors of the wrong length.
 */
public final class RandomDirections {

    /** The kinds of direction. */
    public enum Kind {
        UNIT_SPHERE, FILTER_NORMALISED;

        /** {@code unit} or {@code filter}, as on the command line. */
        public static Kind parse(String s) {
            return switch (s) {
                case "unit" -> UNIT_SPHERE;
                case "filter" -> FILTER_NORMALISED;
                default -> throw new IllegalArgumentException("direction kind must be unit or filter, got " + s);
            };
        }
    }

    private static final int CHUNK = 1 << 20;
    private static final java.util.Set<String> BIAS_KEYS = java.util.Set.of("b", "gamma", "beta");

    private RandomDirections() {
    }

    /** A direction of the given kind; {@code weights} is the centre (used by filter normalisation only). */
    public static INDArray draw(Kind kind, TrainableParameters layout, INDArray weights, long seed) {
        return kind == Kind.UNIT_SPHERE ? unitSphere(layout, seed) : filterNormalised(layout, weights, seed);
    }

    /** A direction drawn uniformly from the unit sphere. */
    public static INDArray unitSphere(TrainableParameters layout, long seed) {
        INDArray d = gaussian(layout.length(), seed);
        return d.divi(d.norm2Number().doubleValue());
    }

    /** A Gaussian direction whose every filter has the norm of the same filter of {@code weights}. */
    public static INDArray filterNormalised(TrainableParameters layout, INDArray weights, long seed) {
        layout.requireVector(weights, "weights");
        INDArray d = gaussian(layout.length(), seed);
        for (TrainableParameters.Segment s : layout.segments()) {
            INDArray dSlice = layout.slice(d, s);
            long[] shape = s.shape();
            if (isBiasLike(s)) {
                dSlice.assign(0);
                continue;
            }
            INDArray dShaped = dSlice.dup().reshape(s.ordering(), shape);
            INDArray wShaped = layout.slice(weights, s).dup().reshape(s.ordering(), shape);
            int filterDim = filterDimension(shape);
            if (filterDim < 0) {
                dShaped.muli(wShaped.norm2Number().doubleValue() / dShaped.norm2Number().doubleValue());
            } else {
                int[] others = otherDimensions(shape.length, filterDim);
                INDArray scale = wShaped.norm2(others).divi(dShaped.norm2(others));
                Broadcast.mul(dShaped, scale, dShaped, filterDim);
            }
            dSlice.assign(Nd4j.toFlattened(s.ordering(), dShaped));
        }
        return d;
    }

    /** The dimension that indexes filters (see the class comment), or -1 for a whole-tensor filter. */
    static int filterDimension(long[] shape) {
        if (shape.length == 4) {
            return 0;
        }
        if (shape.length == 2) {
            return 1;
        }
        return -1;
    }

    /** Biases and BN scale/shift (DL4J keys {@code b}, {@code gamma}, {@code beta}) and any rank-1 tensor. */
    static boolean isBiasLike(TrainableParameters.Segment s) {
        return s.shape().length <= 1 || BIAS_KEYS.contains(s.key());
    }

    private static int[] otherDimensions(int rank, int except) {
        int[] dims = new int[rank - 1];
        for (int i = 0, j = 0; i < rank; i++) {
            if (i != except) {
                dims[j++] = i;
            }
        }
        return dims;
    }

    /** A float vector of independent standard normal values from {@code seed}. */
    static INDArray gaussian(long n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        INDArray d = Nd4j.create(DataType.FLOAT, n);
        float[] chunk = new float[(int) Math.min(CHUNK, n)];
        for (long start = 0; start < n; start += chunk.length) {
            int len = (int) Math.min(chunk.length, n - start);
            float[] values = len == chunk.length ? chunk : new float[len];
            for (int i = 0; i < len; i++) {
                values[i] = (float) random.nextGaussian();
            }
            d.get(NDArrayIndex.interval(start, start + len)).assign(Nd4j.createFromArray(values));
        }
        return d;
    }
}
