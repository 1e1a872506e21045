package org.swa4j.core;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Fills a vector with independent N(0, s^2) draws, deterministically from one seeded generator:
 * the vector is cut into chunks of {@value #CHUNK} elements, chunk {@code c} draws from the
 * {@code c}-th {@link SplittableRandom#split()} of the generator, and chunks are filled in parallel,
 * so the values depend on the seed only, not on the number of threads.
 *
 * <p>The draws are the JDK's {@link SplittableRandom#nextGaussian()} (a ziggurat method). Measured
 * here (10M floats, two cores, C1-compiled as {@code bin/swa} runs): 28-46 ms, against 68 ms for
 * libnd4j's {@code GaussianDistribution} op and 2 ms for a copy; this is most of a draw's time.
 */
final class NormalNoise {

    static final int CHUNK = 1 << 16;

    private NormalNoise() {
    }

    /** x_i = s z_i with z_i ~ N(0, 1) from {@code rng}'s splits; {@code x} contiguous float or double. */
    static void fill(INDArray x, SplittableRandom rng, double s) {
        long n = x.length();
        int chunks = (int) ((n + CHUNK - 1) / CHUNK);
        SplittableRandom[] streams = new SplittableRandom[chunks];
        for (int c = 0; c < chunks; c++) {
            streams[c] = rng.split();
        }
        boolean isFloat = x.dataType() == DataType.FLOAT;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            long from = (long) c * CHUNK;
            int count = (int) Math.min(CHUNK, n - from);
            ByteBuffer bytes = NativeVectors.bytes(x, from, count);
            SplittableRandom r = streams[c];
            if (isFloat) {
                for (int i = 0; i < count; i++) {
                    bytes.putFloat(4 * i, (float) (s * r.nextGaussian()));
                }
            } else {
                for (int i = 0; i < count; i++) {
                    bytes.putDouble(8 * i, s * r.nextGaussian());
                }
            }
        });
    }
}
