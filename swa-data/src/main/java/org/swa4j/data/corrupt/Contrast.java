package org.swa4j.data.corrupt;

/**
 * Contrast reduction, Hendrycks and Dietterich's {@code contrast} before its clipping: each channel is
 * pulled towards its own mean over the image,
 * <pre>  x' = (x - m_c) c + m_c,   m_c = mean of channel c's height * width values</pre>
 * so {@code c = 1} is the identity and {@code c = 0} a flat image of the mean. Rejects a factor outside
 * {@code [0, 1]}.
 */
public final class Contrast {
    private Contrast() {
    }

    /** The image with its contrast multiplied by {@code factor}, a new array. */
    public static double[] apply(double[] pixels, ImageShape shape, double factor) {
        shape.check(pixels);
        if (!(factor >= 0 && factor <= 1)) {
            throw new IllegalArgumentException("contrast factor must be in [0, 1], got " + factor);
        }
        int plane = shape.height() * shape.width();
        double[] out = new double[pixels.length];
        for (int c = 0; c < shape.channels(); c++) {
            double sum = 0;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                sum += pixels[i];
            }
            double mean = sum / plane;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                out[i] = (pixels[i] - mean) * factor + mean;
            }
        }
        return out;
    }
}
