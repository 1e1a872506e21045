package org.swa4j.data.corrupt;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.swa4j.data.image.LabelledImages;

/**
 * A test set with one {@link Corruption} at one severity, as 8-bit images, the same on every machine:
 * <pre>
 *   x  = byte / 255                                  each pixel on [0, 1], in double
 *   x' = corruption(x)                               Corruption#apply, in double
 *   byte' = floor(255 min(1, max(0, x')) + 0.5)      clipped to [0, 1], rounded half up to 8 bits
 * </pre>
 * The clipping is Hendrycks and Dietterich's {@code np.clip(., 0, 1)}; their files truncate to 8 bits
 * ({@code np.uint8}) where this rounds. The result is stored as bytes, so it is exactly what is evaluated
 * and what {@link CorruptedTestSets} writes.
 *
 * <p>Randomness (the noise) comes from one seed, {@link #SEED} unless given: with
 * {@code root = new SplittableRandom(seed)}, corruption k (table order: gaussian_noise, gaussian_blur,
 * rotation, contrast, k = 0..3) at severity s uses {@code cell}, the split number {@code 5 k + s - 1}
 * (0-based) of {@code root}, and image i (its position in the source set, 0-based) the generator split
 * number i of {@code cell}. An image's corruption depends only on (seed, corruption, severity, position),
 * not on which other images or cells are made, and uses only Java arithmetic ({@link StrictMath} for
 * {@code exp}, {@code log}, {@code sin}, {@code cos}): no native kernels.
 *
 * <p>Rejects a severity outside 1..5, null arguments and positions outside the source set, naming the value.
 */
public final class CorruptedImages {

    /** The documented seed of every corrupted test set. */
    public static final long SEED = 2019L;

    private CorruptedImages() {
    }

    /** Every image of {@code source} with {@code corruption} at {@code severity}, seed {@link #SEED}. */
    public static LabelledImages of(LabelledImages source, Corruption corruption, int severity) {
        return of(source, corruption, severity, SEED);
    }

    /** Every image of {@code source} with {@code corruption} at {@code severity}, seeded by {@code seed}. */
    public static LabelledImages of(LabelledImages source, Corruption corruption, int severity, long seed) {
        int[] all = new int[source.size()];
        Arrays.setAll(all, i -> i);
        return of(source, all, corruption, severity, seed);
    }

    /**
     * The images of {@code source} at {@code positions}, in that order, each corrupted as it is in
     * {@link #of(LabelledImages, Corruption, int, long)} (its generator chosen by its position in
     * {@code source}): equal to {@code of(source, corruption, severity, seed).select(positions, ...)}.
     */
    public static LabelledImages of(LabelledImages source, int[] positions, Corruption corruption, int severity, long seed) {
        if (source == null || positions == null || corruption == null) {
            throw new IllegalArgumentException("source, positions and corruption must not be null");
        }
        Corruption.checkSeverity(severity);
        int last = -1;
        for (int p : positions) {
            if (p < 0 || p >= source.size()) {
                throw new IllegalArgumentException("position " + p + " must be in [0, " + source.size() + ")");
            }
            last = Math.max(last, p);
        }
        SplittableRandom[] generators = new SplittableRandom[last + 1];
        SplittableRandom cell = cell(seed, corruption, severity);
        for (int i = 0; i <= last; i++) {
            generators[i] = cell.split();
        }
        ImageShape shape = new ImageShape(source.channels(), source.height(), source.width());
        int n = shape.size();
        byte[] out = new byte[positions.length * n];
        int[] labels = new int[positions.length];
        double[] pixels = new double[n];
        for (int j = 0; j < positions.length; j++) {
            int p = positions[j];
            for (int k = 0; k < n; k++) {
                pixels[k] = (source.pixels()[p * n + k] & 0xFF) / 255.0;
            }
            double[] corrupted = corruption.apply(pixels, shape, severity, generators[p]);
            for (int k = 0; k < n; k++) {
                out[j * n + k] = (byte) toByte(corrupted[k]);
            }
            labels[j] = source.labels()[p];
        }
        String what = String.format("%s [%s severity %d, seed %d%s]", source.source(), corruption.key(), severity, seed,
                positions.length == source.size() ? "" : ", " + positions.length + " of " + source.size() + " images");
        return new LabelledImages(what, source.classNames(), source.channels(), source.height(), source.width(), out, labels);
    }

    /** {@code floor(255 min(1, max(0, v)) + 0.5)}: a value on [0, 1] clipped and rounded half up to 0..255. */
    public static int toByte(double v) {
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException("pixel value NaN cannot be stored");
        }
        return (int) Math.floor(255 * Math.min(1.0, Math.max(0.0, v)) + 0.5);
    }

    /** The generator of (corruption, severity): split number {@code 5 k + s - 1} of {@code new SplittableRandom(seed)}. */
    static SplittableRandom cell(long seed, Corruption corruption, int severity) {
        SplittableRandom root = new SplittableRandom(seed);
        int index = Corruption.SEVERITIES * corruption.ordinal() + severity - 1;
        SplittableRandom cell = root.split();
        for (int i = 0; i < index; i++) {
            cell = root.split();
        }
        return cell;
    }
}
