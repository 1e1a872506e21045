package org.swa4j.data.corrupt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The four operations against values worked out here from their definitions. */
class ImageOperationsTest {

    private static final ImageShape GRAY_3X3 = new ImageShape(1, 3, 3);

    @Test
    void contrastPullsEachPixelTowardsTheMeanByTheFactor() {
        double[] x = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}; // mean 0.4
        double[] expected = {0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6}; // (x - 0.4) / 2 + 0.4
        assertArrayEquals(expected, Contrast.apply(x, GRAY_3X3, 0.5), 1e-15);
        assertArrayEquals(x, Contrast.apply(x, GRAY_3X3, 1), 1e-15, "factor 1 is the identity");
        double[] flat = new double[9];
        Arrays.fill(flat, 0.4);
        assertArrayEquals(flat, Contrast.apply(x, GRAY_3X3, 0), 1e-15, "factor 0 leaves the mean");
    }

    @Test
    void contrastUsesEachChannelsOwnMean() {
        double[] x = {0, 1, 0.2, 0.6}; // channel 0 mean 0.5, channel 1 mean 0.4
        assertArrayEquals(new double[] {0.4, 0.6, 0.36, 0.44}, Contrast.apply(x, new ImageShape(2, 1, 2), 0.2), 1e-15);
    }

    @Test
    void blurOfADeltaIsTheNormalisedGaussianKernel() {
        double sigma = 0.875; // radius (int) (4 * 0.875 + 0.5) = 4
        int n = 15;
        double[] delta = new double[n * n];
        delta[7 * n + 7] = 1;
        double[] out = GaussianBlur.apply(delta, new ImageShape(1, n, n), sigma);
        double norm = 0;
        for (int j = -4; j <= 4; j++) {
            norm += Math.exp(-j * j / (2 * sigma * sigma));
        }
        double total = 0;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int dy = y - 7;
                int dx = x - 7;
                double expected = Math.abs(dx) > 4 || Math.abs(dy) > 4 ? 0
                        : Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)) / (norm * norm);
                assertEquals(expected, out[y * n + x], 1e-15, "pixel " + y + "," + x);
                total += out[y * n + x];
            }
        }
        assertEquals(1.0, total, 1e-12);
        assertEquals(9, GaussianBlur.kernel(sigma).length);
    }

    @Test
    void blurKernelOfTheSmallestSeverityByHand() {
        // sigma 0.35: radius (int) 1.9 = 1; exp(-1 / 0.245) = 0.0168799...; normalised by 1 + 2 * that
        double a = Math.exp(-1 / 0.245);
        assertEquals(0.016880, a, 1e-6);
        assertArrayEquals(new double[] {a / (1 + 2 * a), 1 / (1 + 2 * a), a / (1 + 2 * a)}, GaussianBlur.kernel(0.35), 1e-15);
        assertArrayEquals(new double[] {1}, GaussianBlur.kernel(0), 0);
    }

    @Test
    void blurRepeatsTheBorderSoAFlatImageStaysFlat() {
        double[] flat = new double[5 * 4 * 2];
        Arrays.fill(flat, 0.3);
        assertArrayEquals(flat, GaussianBlur.apply(flat, new ImageShape(2, 5, 4), 0.875), 1e-15);
        // a step at the left edge: the pixel beyond column 0 repeats column 0, so column 0 of row 0
        // is k0 * 1 + k1 * 1 + k1 * 0 for sigma 0.35 (radius 1)
        double[] step = {1, 0, 0};
        double[] k = GaussianBlur.kernel(0.35);
        assertEquals(k[0] + k[1], GaussianBlur.apply(step, new ImageShape(1, 1, 3), 0.35)[0], 1e-15);
    }

    @Test
    void rotationByNinetyDegreesIsNumpysRot90() {
        int n = 4;
        double[] x = new double[n * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i + 1) / 16.0;
        }
        double[] out = Rotation.apply(x, new ImageShape(1, n, n), 90);
        for (int y = 0; y < n; y++) {
            for (int c = 0; c < n; c++) {
                // rot90 (counter-clockwise): out[y][x] = in[x][n - 1 - y]
                assertEquals(x[c * n + (n - 1 - y)], out[y * n + c], 1e-12, "pixel " + y + "," + c);
            }
        }
        // the top row holds the right column, read top to bottom
        assertArrayEquals(new double[] {4 / 16.0, 8 / 16.0, 12 / 16.0, 16 / 16.0}, Arrays.copyOfRange(out, 0, 4), 1e-12);
    }

    @Test
    void rotationByOneEightyDegreesReversesEveryChannelAndZeroIsTheIdentity() {
        ImageShape shape = new ImageShape(2, 2, 3);
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        double[] expected = {6, 5, 4, 3, 2, 1, 12, 11, 10, 9, 8, 7};
        assertArrayEquals(expected, Rotation.apply(x, shape, 180), 1e-12);
        assertArrayEquals(x, Rotation.apply(x, shape, 0), 0);
    }

    @Test
    void rotationInterpolatesBilinearlyAndFillsWithBlack() {
        // 3x3 with a single bright pixel right of the centre; after 45 degrees it lands between pixels:
        // source of output (x, y) = (1 + (x-1) c - (y-1) s, 1 + (x-1) s + (y-1) c), c = s = sqrt(1/2)
        double[] x = new double[9];
        x[1 * 3 + 2] = 1;
        double[] out = Rotation.apply(x, GRAY_3X3, 45);
        double r = Math.sqrt(0.5);
        // output (2, 0): source (1 + r + r, 1 + r - r) = (2.414, 1): beyond the right edge but for 1 - 0.414 of pixel (2, 1)
        assertEquals(1 - (2 * r - 1), out[0 * 3 + 2], 1e-12);
        // output (2, 1) samples (1 + r, 1 + r): bilinear weight of pixel (2, 1) is r (1 - r)
        assertEquals(r * (1 - r), out[1 * 3 + 2], 1e-12);
        assertEquals(0, out[1 * 3 + 1], 1e-12, "the centre samples itself");
        double[] ones = new double[9];
        Arrays.fill(ones, 1);
        double[] rotated = Rotation.apply(ones, GRAY_3X3, 45);
        assertEquals(1, rotated[4], 1e-12, "the centre keeps its value");
        assertTrue(rotated[0] < 1, "a corner takes black from outside the image: " + rotated[0]);
    }

    @Test
    void noiseHasTheStatedMeanAndVariance() {
        int n = 10_000;
        double sigma = 0.1;
        double[] x = new double[n];
        Arrays.fill(x, 0.5);
        double[] out = GaussianNoise.apply(x, new ImageShape(1, 100, 100), sigma, new SplittableRandom(3));
        double sum = 0;
        double squares = 0;
        int withinOneSigma = 0;
        for (int i = 0; i < n; i++) {
            double z = out[i] - 0.5;
            sum += z;
            squares += z * z;
            if (Math.abs(z) <= sigma) {
                withinOneSigma++;
            }
        }
        double mean = sum / n;
        double variance = squares / n - mean * mean;
        // four standard errors: of the mean sigma / sqrt(n), of the variance sigma^2 sqrt(2 / n),
        // of a proportion sqrt(p (1 - p) / n) with p = 0.6827 for |z| <= sigma
        assertEquals(0, mean, 4 * sigma / Math.sqrt(n));
        assertEquals(sigma * sigma, variance, 4 * sigma * sigma * Math.sqrt(2.0 / n));
        assertEquals(0.6827, withinOneSigma / (double) n, 4 * Math.sqrt(0.6827 * 0.3173 / n));
    }

    @Test
    void noiseIsTheDocumentedBoxMullerPairAndRepeatsWithTheSeed() {
        double[] x = {0.1, 0.2, 0.3};
        ImageShape shape = new ImageShape(1, 1, 3);
        double[] out = GaussianNoise.apply(x, shape, 0.5, new SplittableRandom(42));
        SplittableRandom rng = new SplittableRandom(42);
        double u1 = 1 - rng.nextDouble();
        double u2 = rng.nextDouble();
        double r = Math.sqrt(-2 * Math.log(u1));
        assertEquals(0.1 + 0.5 * r * Math.cos(2 * Math.PI * u2), out[0], 1e-12);
        assertEquals(0.2 + 0.5 * r * Math.sin(2 * Math.PI * u2), out[1], 1e-12);
        double v1 = 1 - rng.nextDouble();
        double v2 = rng.nextDouble();
        assertEquals(0.3 + 0.5 * Math.sqrt(-2 * Math.log(v1)) * Math.cos(2 * Math.PI * v2), out[2], 1e-12);
        assertArrayEquals(out, GaussianNoise.apply(x, shape, 0.5, new SplittableRandom(42)), 0, "same seed, same bits");
        assertFalse(Arrays.equals(out, GaussianNoise.apply(x, shape, 0.5, new SplittableRandom(43))));
        assertArrayEquals(x, GaussianNoise.apply(x, shape, 0, new SplittableRandom(1)), 0);
        assertArrayEquals(new double[] {0.1, 0.2, 0.3}, x, 0, "the input is left as it is");
    }

    @Test
    void badArgumentsAreRefusedNamingTheValue() {
        double[] x = new double[9];
        assertMessage("-0.1", () -> GaussianNoise.apply(x, GRAY_3X3, -0.1, new SplittableRandom(1)));
        assertMessage("null", () -> GaussianNoise.apply(x, GRAY_3X3, 0.1, null));
        assertMessage("NaN", () -> GaussianBlur.apply(x, GRAY_3X3, Double.NaN));
        assertMessage("-1.0", () -> GaussianBlur.kernel(-1));
        assertMessage("Infinity", () -> Rotation.apply(x, GRAY_3X3, Double.POSITIVE_INFINITY));
        assertMessage("1.5", () -> Contrast.apply(x, GRAY_3X3, 1.5));
        assertMessage("length 8 must be 1x3x3 = 9", () -> Contrast.apply(new double[8], GRAY_3X3, 0.5));
        assertMessage("0x3x3", () -> new ImageShape(0, 3, 3));
    }

    static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should name " + fragment);
    }
}
