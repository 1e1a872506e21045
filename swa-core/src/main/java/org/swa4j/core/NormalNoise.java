package org.swa4j.core;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Independent N(0, 1) draws, fast and deterministic from one seed: Marsaglia and Tsang's ziggurat
 * ("The Ziggurat Method for Generating Random Variables", J. Stat. Softw. 5(8), 2000; 256 layers,
 * {@code r = 3.6541528853610088}, layer area {@code v = 4.92867323399e-3}) over SplitMix64 streams
 * (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; the generator
 * behind {@link SplittableRandom}).
 *
 * <p>Each draw takes one 64-bit word and uses disjoint bits of it: 8 for the layer, 1 for the sign
 * and 53 for the uniform position {@code u} in the layer, so that layer, sign and position are
 * independent (the original's 32-bit version reused the layer bits in {@code u}). In layer {@code i},
 * {@code x = u x_i} is returned when {@code x < x_(i+1)} (99.3% of draws); otherwise a further word
 * decides the wedge against {@code exp(-x^2 / 2)}, and the base layer's overhang is Marsaglia's
 * exact tail beyond {@code r}. Nothing is approximated: the draws are exactly normal up to the
 * resolution of the 53-bit uniforms and the tables' double rounding (the layers' areas agree with
 * {@code v} to 1e-12).
 *
 * <p>A vector is cut into chunks of {@value #CHUNK} elements; chunk {@code c} draws from its own
 * SplitMix64 stream, seeded by the {@code c}-th {@code nextLong()} of a generator seeded by one
 * {@code nextLong()} of the caller's: the values depend on that seed only, not on the number of
 * threads that fill the chunks.
 */
public final class NormalNoise {

    /** Elements per stream, and per unit of parallel work. */
    public static final int CHUNK = 1 << 14;

    private static final int LAYERS = 256;
    private static final double R = 3.6541528853610088;
    private static final double AREA = 4.92867323399e-3;
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final long SIGN_BIT = 1L << 8;
    private static final double UNIT = 0x1.0p-53;

    /** Layer {@code i}'s right edge {@code x_i}, times 2^-53 (so that {@code x = u53 * WIDTH[i]}). */
    private static final double[] WIDTH = new double[LAYERS];
    /** {@code ceil(2^53 x_(i+1) / x_i)}: {@code u53 < FAST[i]} iff {@code x} lies under the layer above. */
    private static final long[] FAST = new long[LAYERS];
    /** {@code exp(-x_i^2 / 2)}, the height of layer {@code i}'s floor; {@code HEIGHT[LAYERS] = 1}. */
    private static final double[] HEIGHT = new double[LAYERS + 1];

    static {
        // x_0 is the base layer's width as a rectangle of area v (its part beyond r stands for the tail),
        // x_1 = r, and x_(i+1) is where the layer of area v on top of layer i ends: f(x_(i+1)) = f(x_i) + v / x_i
        double[] x = new double[LAYERS + 1];
        x[0] = AREA / Math.exp(-0.5 * R * R);
        x[1] = R;
        for (int i = 1; i < LAYERS - 1; i++) {
            x[i + 1] = Math.sqrt(-2 * Math.log(Math.exp(-0.5 * x[i] * x[i]) + AREA / x[i]));
        }
        x[LAYERS] = 0;
        for (int i = 0; i < LAYERS; i++) {
            WIDTH[i] = x[i] * UNIT;
            FAST[i] = (long) Math.ceil(x[i + 1] / x[i] / UNIT);
            HEIGHT[i] = Math.exp(-0.5 * x[i] * x[i]);
        }
        HEIGHT[LAYERS] = 1;
    }

    private NormalNoise() {
    }

    /**
     * x_i = s z_i, z_i ~ N(0, 1), for a contiguous float or double vector {@code x}, from one
     * {@code nextLong()} of {@code rng}.
     *
     * @throws IllegalArgumentException if an argument is null, {@code s} is not finite, or {@code x}
     *     is not a contiguous float or double array
     */
    public static void fill(INDArray x, SplittableRandom rng, double s) {
        if (x == null || rng == null) {
            throw new IllegalArgumentException("x and rng must not be null");
        }
        if (!Double.isFinite(s)) {
            throw new IllegalArgumentException("s must be finite, got " + s);
        }
        if (!NativeVectors.supported(x.dataType()) || x.elementWiseStride() != 1) {
            throw new IllegalArgumentException("x must be a contiguous float or double array, got " + x.dataType()
                    + " with element stride " + x.elementWiseStride());
        }
        long[] seeds = chunkSeeds(rng, x.length());
        boolean isFloat = x.dataType() == DataType.FLOAT;
        Chunks.forEach(x.length(), (from, count, buffers) -> {
            double[] z = buffers.doubles(0);
            gaussians(seeds[(int) (from / CHUNK)], z, count);
            ByteBuffer out = NativeVectors.bytes(x, from, count);
            if (isFloat) {
                float[] f = buffers.floats(0);
                for (int i = 0; i < count; i++) {
                    f[i] = (float) (s * z[i]);
                }
                out.asFloatBuffer().put(f, 0, count);
            } else {
                for (int i = 0; i < count; i++) {
                    z[i] *= s;
                }
                out.asDoubleBuffer().put(z, 0, count);
            }
        });
    }

    /** The seeds of the chunk streams of a vector of {@code length} elements, from one {@code nextLong()} of {@code rng}. */
    static long[] chunkSeeds(SplittableRandom rng, long length) {
        SplittableRandom root = new SplittableRandom(rng.nextLong());
        long[] seeds = new long[Chunks.count(length)];
        for (int c = 0; c < seeds.length; c++) {
            seeds[c] = root.nextLong();
        }
        return seeds;
    }

    /** out[0..count) = N(0, 1) draws from the SplitMix64 stream that starts at {@code state}. */
    static void gaussians(long state, double[] out, int count) {
        for (int n = 0; n < count; n++) {
            long word;
            double x;
            while (true) {
                word = mix64(state += GOLDEN_GAMMA);
                int layer = (int) word & (LAYERS - 1);
                long u = word >>> 11;
                x = u * WIDTH[layer];
                if (u < FAST[layer]) {
                    break;
                }
                if (layer == 0) {
                    // beyond r: Marsaglia's tail, x = r + t with t from exp(-r t) accepted with probability exp(-t^2 / 2)
                    double t;
                    double e;
                    do {
                        t = -Math.log(openUnit(mix64(state += GOLDEN_GAMMA))) / R;
                        e = -Math.log(openUnit(mix64(state += GOLDEN_GAMMA)));
                    } while (e + e < t * t);
                    x = R + t;
                    break;
                }
                double y = HEIGHT[layer] + (mix64(state += GOLDEN_GAMMA) >>> 11) * UNIT * (HEIGHT[layer + 1] - HEIGHT[layer]);
                if (y < Math.exp(-0.5 * x * x)) {
                    break;
                }
            }
            // the sign bit of the word becomes the sign of x, without a branch that would fail half the time
            out[n] = Double.longBitsToDouble(Double.doubleToRawLongBits(x) ^ (word & SIGN_BIT) << (63 - 8));
        }
    }

    /** SplitMix64's output function (as {@link SplittableRandom}'s). */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A uniform in (0, 1], so that its logarithm is finite. */
    private static double openUnit(long word) {
        return ((word >>> 11) + 1) * UNIT;
    }
}
