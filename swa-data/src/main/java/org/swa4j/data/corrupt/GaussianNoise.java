package org.swa4j.data.corrupt;

import java.util.SplittableRandom;

/**
 * Additive Gaussian noise, {@code x' = x + sigma z} with {@code z ~ N(0, 1)} independent per pixel
 * (Hendrycks and Dietterich's {@code gaussian_noise} before its clipping). The normal deviates come in
 * pairs from the Box-Muller transform of two uniforms of the generator, computed with {@link StrictMath}
 * so that the same generator gives the same bits on every JVM:
 * <pre>
 *   u1 = 1 - nextDouble(),  u2 = nextDouble()          (u1 in (0, 1], u2 in [0, 1))
 *   z0 = sqrt(-2 ln u1) cos(2 pi u2),  z1 = sqrt(-2 ln u1) sin(2 pi u2)
 * </pre>
 * Pixels take z0, z1 of the first pair, then of the next, in array order (a last odd pixel takes z0 only).
 * Rejects a negative or non-finite sigma and a null generator.
 */
public final class GaussianNoise {
    private GaussianNoise() {
    }

    /** {@code pixels + sigma z}, a new array; {@code pixels} is left as it is. */
    public static double[] apply(double[] pixels, ImageShape shape, double sigma, SplittableRandom rng) {
        shape.check(pixels);
        if (!(sigma >= 0 && sigma < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("noise sigma must be finite and >= 0, got " + sigma);
        }
        if (rng == null) {
            throw new IllegalArgumentException("the noise needs a generator, got null");
        }
        double[] out = pixels.clone();
        for (int i = 0; i < out.length; i += 2) {
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
            double angle = 2.0 * StrictMath.PI * u2;
            out[i] += sigma * r * StrictMath.cos(angle);
            if (i + 1 < out.length) {
                out[i + 1] += sigma * r * StrictMath.sin(angle);
            }
        }
        return out;
    }
}
