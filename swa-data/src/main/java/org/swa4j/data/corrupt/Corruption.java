package org.swa4j.data.corrupt;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The four corruptions and their five severities: the one table of parameters. Three are Hendrycks and
 * Dietterich's ("Benchmarking Neural Network Robustness to Common Corruptions and Perturbations", ICLR 2019)
 * with the values of their 32x32 set CIFAR-10-C ({@code make_cifar_c.py}), the closest in size to 28x28
 * Fashion-MNIST; the fourth, rotation, is Ovadia et al.'s shift of MNIST ("Can You Trust Your Model's
 * Uncertainty?", NeurIPS 2019). Pixel values are on [0, 1].
 *
 * <table>
 *   <caption>parameter by severity 1..5</caption>
 *   <tr><th>corruption</th><th>parameter</th><th>1</th><th>2</th><th>3</th><th>4</th><th>5</th><th>source</th></tr>
 *   <tr><td>gaussian_noise</td><td>sigma of the added noise</td><td>0.04</td><td>0.06</td><td>0.08</td><td>0.09</td>
 *       <td>0.10</td><td>CIFAR-10-C as it is (a pixel-scale amplitude does not depend on the image size)</td></tr>
 *   <tr><td>gaussian_blur</td><td>sigma in pixels</td><td>0.35</td><td>0.525</td><td>0.6125</td><td>0.7</td>
 *       <td>0.875</td><td>CIFAR-10-C's 0.4, 0.6, 0.7, 0.8, 1 scaled by 28/32 (kernel radius 1, 2, 2, 3, 4)</td></tr>
 *   <tr><td>rotation</td><td>degrees counter-clockwise</td><td>15</td><td>30</td><td>45</td><td>60</td><td>75</td>
 *       <td>Ovadia et al.'s rotated MNIST, 15-degree steps (an angle does not depend on the size)</td></tr>
 *   <tr><td>contrast</td><td>factor c</td><td>0.75</td><td>0.5</td><td>0.4</td><td>0.3</td><td>0.15</td>
 *       <td>CIFAR-10-C as it is (a ratio)</td></tr>
 * </table>
 *
 * For images of another size the pixel values of the blur apply as they are. The operations are
 * {@link GaussianNoise}, {@link GaussianBlur}, {@link Rotation} and {@link Contrast}; their results are not
 * clipped here ({@link CorruptedImages} clips and rounds). Rejects a severity outside 1..5 and an unknown name,
 * naming the value.
 */
public enum Corruption {
    GAUSSIAN_NOISE("gaussian_noise", "noise sigma", 0.04, 0.06, 0.08, 0.09, 0.10),
    GAUSSIAN_BLUR("gaussian_blur", "blur sigma (pixels)", 0.35, 0.525, 0.6125, 0.7, 0.875),
    ROTATION("rotation", "degrees counter-clockwise", 15, 30, 45, 60, 75),
    CONTRAST("contrast", "contrast factor", 0.75, 0.5, 0.4, 0.3, 0.15);

    /** Severities are 1..{@value}; 0 is the clean image. */
    public static final int SEVERITIES = 5;

    private final String key;
    private final String parameterName;
    private final double[] parameters;

    Corruption(String key, String parameterName, double... parameters) {
        this.key = key;
        this.parameterName = parameterName;
        this.parameters = parameters;
    }

    /** The name used on the command line, in files and in the reference code, e.g. {@code gaussian_noise}. */
    public String key() {
        return key;
    }

    /** What the parameter is, e.g. {@code "noise sigma"}. */
    public String parameterName() {
        return parameterName;
    }

    /** The parameter at {@code severity} (1..5). */
    public double parameter(int severity) {
        checkSeverity(severity);
        return parameters[severity - 1];
    }

    /** The five parameters, severity 1 first. */
    public double[] parameters() {
        return parameters.clone();
    }

    /**
     * The corrupted image, a new array, not clipped; {@code rng} draws the noise (only
     * {@link #GAUSSIAN_NOISE} uses it; the others are deterministic and accept null).
     */
    public double[] apply(double[] pixels, ImageShape shape, int severity, SplittableRandom rng) {
        double p = parameter(severity);
        return switch (this) {
            case GAUSSIAN_NOISE -> GaussianNoise.apply(pixels, shape, p, rng);
            case GAUSSIAN_BLUR -> GaussianBlur.apply(pixels, shape, p);
            case ROTATION -> Rotation.apply(pixels, shape, p);
            case CONTRAST -> Contrast.apply(pixels, shape, p);
        };
    }

    /** The corruption named {@code key} (e.g. {@code rotation}); rejects other names, listing the known ones. */
    public static Corruption parse(String key) {
        for (Corruption c : values()) {
            if (c.key.equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("corruption '" + key + "' is unknown; known: " + keys());
    }

    /** The names, in table order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(Corruption::key).toList();
    }

    /** Rejects a severity outside 1..5, naming it. */
    public static void checkSeverity(int severity) {
        if (severity < 1 || severity > SEVERITIES) {
            throw new IllegalArgumentException("severity " + severity + " must be in 1.." + SEVERITIES
                    + " (0 is the clean test set)");
        }
    }

    /** The table as Markdown: one row per corruption, the parameter at each severity. */
    public static String markdownTable() {
        StringBuilder md = new StringBuilder("| corruption | parameter | 1 | 2 | 3 | 4 | 5 |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (Corruption c : values()) {
            md.append("| ").append(c.key).append(" | ").append(c.parameterName).append(" |");
            for (double p : c.parameters) {
                md.append(' ').append(format(p)).append(" |");
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String format(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : Double.toString(v);
    }
}
