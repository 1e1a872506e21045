package org.swa4j.core;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The diagonal part of {@link Swag}'s draw as one parallel pass over the vectors ({@link Chunks}):
 * every chunk's normal deviates are generated into a Java array, the chunk's mean and standard
 * deviation are read in bulk, combined in one loop and written back in bulk, so that each vector is
 * read or written once, where a chain of vector ops (fill, multiply, axpy) streams the output three
 * times. Arithmetic is in double, rounded once to the vectors' type.
 * The vectors are contiguous, of one type (float or double) and one length.
 */
final class SwagPasses {

    private SwagPasses() {
    }

    /**
     * {@code y = S / n + s * sigma * z}, {@code z ~ N(0, I)} drawn by {@link NormalNoise} from the
     * streams {@code seeds} (one per chunk). Reads S and sigma once, writes y once.
     */
    static void draw(INDArray sum, INDArray sigma, long n, double s, long[] seeds, INDArray y) {
        double inverse = 1.0 / n;
        boolean isFloat = y.dataType() == DataType.FLOAT;
        Chunks.forEach(y.length(), (from, count, buffers) -> {
            double[] z = buffers.doubles(0);
            NormalNoise.gaussians(seeds[(int) (from / NormalNoise.CHUNK)], z, count);
            if (isFloat) {
                float[] mean = buffers.floats(0);
                float[] spread = buffers.floats(1);
                floats(sum, from, count).get(mean, 0, count);
                floats(sigma, from, count).get(spread, 0, count);
                for (int i = 0; i < count; i++) {
                    mean[i] = (float) (mean[i] * inverse + s * spread[i] * z[i]);
                }
                floats(y, from, count).put(mean, 0, count);
            } else {
                double[] mean = buffers.doubles(1);
                double[] spread = buffers.doubles(2);
                doubles(sum, from, count).get(mean, 0, count);
                doubles(sigma, from, count).get(spread, 0, count);
                for (int i = 0; i < count; i++) {
                    mean[i] = mean[i] * inverse + s * spread[i] * z[i];
                }
                doubles(y, from, count).put(mean, 0, count);
            }
        });
    }

    private static FloatBuffer floats(INDArray a, long from, int count) {
        return NativeVectors.bytes(a, from, count).asFloatBuffer();
    }

    private static DoubleBuffer doubles(INDArray a, long from, int count) {
        return NativeVectors.bytes(a, from, count).asDoubleBuffer();
    }
}
