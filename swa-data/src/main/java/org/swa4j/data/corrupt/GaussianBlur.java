package org.swa4j.data.corrupt;

/**
 * Gaussian blur of each channel, as {@code skimage.filters.gaussian} (Hendrycks and Dietterich's
 * {@code gaussian_blur}) computes it: a separable filter with the sampled, normalised kernel
 * <pre>
 *   k[j] = exp(-j^2 / (2 sigma^2)) / sum_{|i| <= r} exp(-i^2 / (2 sigma^2)),   |j| <= r = (int) (4 sigma + 0.5)
 * </pre>
 * applied along rows, then along columns, with the border pixel repeated outside the image
 * (scipy's {@code mode='nearest'}). Arithmetic in double, {@code exp} from {@link StrictMath}. Sigma 0 is
 * the identity. Rejects a negative or non-finite sigma.
 */
public final class GaussianBlur {
    private GaussianBlur() {
    }

    /** The normalised kernel {@code k[-r..r]} of {@code sigma}, index {@code j + r}. */
    public static double[] kernel(double sigma) {
        if (!(sigma >= 0 && sigma < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("blur sigma must be finite and >= 0, got " + sigma);
        }
        int r = (int) (4 * sigma + 0.5);
        double[] k = new double[2 * r + 1];
        if (r == 0) {
            k[0] = 1;
            return k;
        }
        double sum = 0;
        for (int j = -r; j <= r; j++) {
            k[j + r] = StrictMath.exp(-(double) j * j / (2 * sigma * sigma));
            sum += k[j + r];
        }
        for (int j = 0; j < k.length; j++) {
            k[j] /= sum;
        }
        return k;
    }

    /** The blurred image, a new array. */
    public static double[] apply(double[] pixels, ImageShape shape, double sigma) {
        shape.check(pixels);
        double[] k = kernel(sigma);
        int r = k.length / 2;
        int h = shape.height();
        int w = shape.width();
        double[] rows = new double[pixels.length];
        double[] out = new double[pixels.length];
        for (int c = 0; c < shape.channels(); c++) {
            int base = c * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int j = -r; j <= r; j++) {
                        s += k[j + r] * pixels[base + y * w + clamp(x + j, w)];
                    }
                    rows[base + y * w + x] = s;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int j = -r; j <= r; j++) {
                        s += k[j + r] * rows[base + clamp(y + j, h) * w + x];
                    }
                    out[base + y * w + x] = s;
                }
            }
        }
        return out;
    }

    private static int clamp(int i, int n) {
        return i < 0 ? 0 : i >= n ? n - 1 : i;
    }
}
