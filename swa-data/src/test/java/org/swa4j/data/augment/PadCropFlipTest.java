package org.swa4j.data.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.swa4j.data.image.RawImage;

class PadCropFlipTest {
    /** 2 channels of 4x4, value 10*(c+1) + 4*y + x + 1 (never 0, so padding is recognisable). */
    private static RawImage image() {
        byte[] px = new byte[2 * 16];
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    px[c * 16 + y * 4 + x] = (byte) (20 * (c + 1) + 4 * y + x + 1);
                }
            }
        }
        return new RawImage(px, 2, 4, 4);
    }

    private static float expected(int c, int y, int x) {
        return y < 0 || y >= 4 || x < 0 || x >= 4 ? 0f : 20 * (c + 1) + 4 * y + x + 1;
    }

    @Test
    void everyOffsetAndFlipMatchesThePaddedImagePixelByPixel() {
        PadCropFlip t = new PadCropFlip(2, 4, 0.5);
        RawImage img = image();
        for (int dy = 0; dy <= 4; dy++) {
            for (int dx = 0; dx <= 4; dx++) {
                for (boolean flip : new boolean[] {false, true}) {
                    float[] out = new float[2 * 16];
                    t.apply(img, dy, dx, flip, out, 0);
                    for (int c = 0; c < 2; c++) {
                        for (int y = 0; y < 4; y++) {
                            for (int x = 0; x < 4; x++) {
                                int px = flip ? 3 - x : x;
                                assertEquals(expected(c, y + dy - 2, px + dx - 2), out[c * 16 + y * 4 + x],
                                        "dy " + dy + " dx " + dx + " flip " + flip + " at " + c + "," + y + "," + x);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void centredUnflippedCropIsTheImage() {
        float[] out = new float[32];
        new PadCropFlip(4, 4, 0.5).apply(image(), 4, 4, false, out, 0);
        for (int i = 0; i < 32; i++) {
            assertEquals(image().pixels()[i] & 0xFF, out[i]);
        }
    }

    @Test
    void randomDrawsCoverAllOffsetsAndFlipAboutHalfTheTime() {
        PadCropFlip t = PadCropFlip.cifar();
        byte[] px = new byte[3 * 32 * 32];
        px[0] = (byte) 255; // top-left pixel of channel 0 marks where the image landed
        RawImage img = new RawImage(px, 3, 32, 32);
        SplittableRandom random = new SplittableRandom(7);
        boolean[][] seen = new boolean[9][9];
        int flips = 0;
        int n = 4000;
        for (int k = 0; k < n; k++) {
            float[] out = new float[3 * 32 * 32];
            t.apply(img, random, out, 0);
            int found = -1;
            for (int i = 0; i < 1024; i++) {
                if (out[i] == 255f) {
                    found = i;
                }
            }
            if (found < 0) {
                continue; // marker cropped away: dy or dx = 8
            }
            int y = found / 32;
            int x = found % 32;
            // unflipped: marker at (4 - dy, 4 - dx); flipped: x' = 31 - (4 - dx)
            int dy = 4 - y;
            if (x <= 4 && x >= 0 && 31 - x > 4) {
                seen[dy][4 - x] = true;
            }
            if (x >= 27) {
                flips++;
                seen[dy][4 - (31 - x)] = true;
            }
        }
        for (int dy = 0; dy <= 4; dy++) {
            for (int dx = 0; dx <= 4; dx++) {
                assertTrue(seen[dy][dx], "offset " + dy + "," + dx + " never drawn");
            }
        }
        // marker visible with probability (5/9)^2; flips among those ~ 0.5; 6 sigma band
        double visible = n * 25.0 / 81;
        assertEquals(visible / 2, flips, 6 * Math.sqrt(visible / 4) + 0.05 * visible);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new PadCropFlip(-1, 4, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new PadCropFlip(0, 4, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new PadCropFlip(0, 5, 0.5).apply(image(), 0, 0, false, new float[50], 0));
        assertThrows(IllegalArgumentException.class, () -> new PadCropFlip(2, 4, 0.5).apply(image(), 5, 0, false, new float[32], 0));
    }
}
