package org.swa4j.data.corrupt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.swa4j.data.corrupt.ImageOperationsTest.assertMessage;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.image.LabelledImages;
import org.swa4j.data.sets.InMemoryImageDataset;

/** Corrupted 8-bit test sets: the clipping and rounding, the seeding scheme, and severities that grow. */
class CorruptedImagesTest {

    private static final List<String> CLASSES = List.of("a", "b", "c");

    /** {@code count} images of 1x4x4 with distinct pixels. */
    private static LabelledImages small(int count) {
        byte[] px = new byte[count * 16];
        int[] labels = new int[count];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) ((i * 37 + 11) % 256);
        }
        for (int i = 0; i < count; i++) {
            labels[i] = i % 3;
        }
        return new LabelledImages("small", CLASSES, 1, 4, 4, px, labels);
    }

    @Test
    void clipsAndRoundsHalfUpToEightBits() {
        assertEquals(0, CorruptedImages.toByte(-0.3));
        assertEquals(255, CorruptedImages.toByte(1.7));
        assertEquals(1, CorruptedImages.toByte(0.5 / 255), "half rounds up");
        assertEquals(0, CorruptedImages.toByte(0.49 / 255));
        assertEquals(51, CorruptedImages.toByte(0.2));
        assertMessage("NaN", () -> CorruptedImages.toByte(Double.NaN));
    }

    @Test
    void contrastOfATwoByTwoImageInBytesByHand() {
        // bytes 0, 50, 100, 250: mean 100; severity 2 halves the contrast: (b - 100) / 2 + 100
        LabelledImages one = new LabelledImages("one", CLASSES, 1, 2, 2, new byte[] {0, 50, 100, (byte) 250}, new int[] {2});
        LabelledImages out = CorruptedImages.of(one, Corruption.CONTRAST, 2);
        assertArrayEquals(new byte[] {50, 75, 100, (byte) 175}, out.pixels());
        assertArrayEquals(new int[] {2}, out.labels());
        assertTrue(out.source().contains("contrast severity 2, seed 2019"), out.source());
    }

    @Test
    void noiseOfImageIFollowsTheDocumentedSplitsOfTheSeed() {
        LabelledImages images = small(5);
        int severity = 4;
        LabelledImages out = CorruptedImages.of(images, Corruption.GAUSSIAN_NOISE, severity, 77);
        // gaussian_noise is corruption 0: its cell is split 5 * 0 + 4 - 1 = 3 of the root; image i is split i of the cell
        SplittableRandom root = new SplittableRandom(77);
        root.split();
        root.split();
        root.split();
        SplittableRandom cell = root.split();
        ImageShape shape = new ImageShape(1, 4, 4);
        for (int i = 0; i < 5; i++) {
            SplittableRandom image = cell.split();
            double[] x = new double[16];
            for (int k = 0; k < 16; k++) {
                x[k] = (images.pixels()[i * 16 + k] & 0xFF) / 255.0;
            }
            double[] noisy = GaussianNoise.apply(x, shape, 0.09, image);
            for (int k = 0; k < 16; k++) {
                int expected = (int) Math.floor(255 * Math.min(1, Math.max(0, noisy[k])) + 0.5);
                assertEquals(expected, out.pixels()[i * 16 + k] & 0xFF, "image " + i + " pixel " + k);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameBytesAndASubsetItsOwnImagesNoise() {
        LabelledImages images = small(7);
        for (Corruption c : Corruption.values()) {
            for (int s = 1; s <= Corruption.SEVERITIES; s++) {
                LabelledImages a = CorruptedImages.of(images, c, s);
                assertArrayEquals(a.pixels(), CorruptedImages.of(images, c, s).pixels(), c + " " + s);
                int[] subset = {5, 1, 6};
                LabelledImages part = CorruptedImages.of(images, subset, c, s, CorruptedImages.SEED);
                assertArrayEquals(a.select(subset, "x").pixels(), part.pixels(), c + " " + s + ": a subset's images are "
                        + "corrupted as in the whole set");
                assertArrayEquals(new int[] {2, 1, 0}, part.labels());
            }
        }
        assertFalse(Arrays.equals(CorruptedImages.of(images, Corruption.GAUSSIAN_NOISE, 3, 1).pixels(),
                CorruptedImages.of(images, Corruption.GAUSSIAN_NOISE, 3, 2).pixels()), "another seed, other noise");
    }

    @Test
    void everyCellDrawsItsOwnNoise() {
        // the same sigma through two cells' generators: the streams differ, so the noisy bytes differ
        LabelledImages flat = new LabelledImages("flat", CLASSES, 1, 8, 8, filled(64, 128), new int[] {0});
        SplittableRandom a = CorruptedImages.cell(CorruptedImages.SEED, Corruption.GAUSSIAN_NOISE, 1).split();
        SplittableRandom b = CorruptedImages.cell(CorruptedImages.SEED, Corruption.GAUSSIAN_NOISE, 2).split();
        assertFalse(a.nextLong() == b.nextLong());
        assertFalse(Arrays.equals(CorruptedImages.of(flat, Corruption.GAUSSIAN_NOISE, 1).pixels(),
                CorruptedImages.of(flat, Corruption.GAUSSIAN_NOISE, 2).pixels()));
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void severitiesAreMonotoneInTheMeanAbsoluteChangeOfFashionMnistImages() {
        // measure: mean over 200 test images and their pixels of |corrupted byte - clean byte|
        InMemoryImageDataset data = (InMemoryImageDataset) Datasets.open("fashion-mnist-embedded",
                DataOptions.builder().testLimit(200).workers(1).build());
        LabelledImages clean = data.testImages();
        for (Corruption c : Corruption.values()) {
            double previous = 0;
            for (int s = 1; s <= Corruption.SEVERITIES; s++) {
                LabelledImages out = CorruptedImages.of(clean, c, s);
                double change = 0;
                for (int i = 0; i < clean.pixels().length; i++) {
                    change += Math.abs((out.pixels()[i] & 0xFF) - (clean.pixels()[i] & 0xFF));
                }
                change /= clean.pixels().length;
                assertTrue(change > previous, c.key() + " severity " + s + " changes the images by " + change
                        + " grey levels, not more than severity " + (s - 1) + " (" + previous + ")");
                previous = change;
            }
        }
    }

    @Test
    void theTableIsTheDocumentedOne() {
        assertArrayEquals(new double[] {0.04, 0.06, 0.08, 0.09, 0.10}, Corruption.GAUSSIAN_NOISE.parameters(), 0);
        assertArrayEquals(new double[] {0.4 * 28 / 32, 0.6 * 28 / 32, 0.7 * 28 / 32, 0.8 * 28 / 32, 28.0 / 32},
                Corruption.GAUSSIAN_BLUR.parameters(), 1e-12, "CIFAR-10-C's blur scaled from 32 to 28 pixels");
        assertArrayEquals(new double[] {15, 30, 45, 60, 75}, Corruption.ROTATION.parameters(), 0);
        assertArrayEquals(new double[] {0.75, 0.5, 0.4, 0.3, 0.15}, Corruption.CONTRAST.parameters(), 0);
        assertEquals(List.of("gaussian_noise", "gaussian_blur", "rotation", "contrast"), Corruption.keys());
        assertEquals(Corruption.ROTATION, Corruption.parse("rotation"));
        assertTrue(Corruption.markdownTable().contains("| gaussian_blur | blur sigma (pixels) | 0.35 | 0.525 | 0.6125 | 0.7 | 0.875 |"),
                Corruption.markdownTable());
    }

    @Test
    void badArgumentsAreRefusedNamingTheValue() {
        LabelledImages images = small(3);
        assertMessage("severity 6 must be in 1..5", () -> CorruptedImages.of(images, Corruption.ROTATION, 6));
        assertMessage("severity 0 must be in 1..5", () -> Corruption.CONTRAST.parameter(0));
        assertMessage("corruption 'fog' is unknown; known: [gaussian_noise, gaussian_blur, rotation, contrast]",
                () -> Corruption.parse("fog"));
        assertMessage("position 3 must be in [0, 3)", () -> CorruptedImages.of(images, new int[] {0, 3}, Corruption.ROTATION, 1, 1));
    }
}
