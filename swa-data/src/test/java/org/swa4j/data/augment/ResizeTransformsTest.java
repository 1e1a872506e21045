package org.swa4j.data.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.swa4j.data.image.RawImage;

class ResizeTransformsTest {
    /** Single-channel image whose value is linear in x: v = 2x (exactly representable, bilinear keeps it linear). */
    private static RawImage rampX(int h, int w) {
        byte[] px = new byte[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    px[(c * h + y) * w + x] = (byte) (2 * x);
                }
            }
        }
        return new RawImage(px, 3, h, w);
    }

    @Test
    void resizeCentreCropSamplesTheLinearRampAtTheMappedCoordinate() {
        // 100 wide, 50 high: shorter side 50 -> 256, width 512; crop 224 at top 16, left 144.
        RawImage img = rampX(50, 100);
        ResizeCentreCrop t = new ResizeCentreCrop(256, 224);
        float[] out = new float[3 * 224 * 224];
        t.apply(img, null, out, 0);
        double scale = 100.0 / 512;
        for (int x : new int[] {0, 1, 100, 223}) {
            double sx = Math.min(Math.max((x + 144 + 0.5) * scale - 0.5, 0), 99);
            assertEquals(2 * sx, out[(2 * 224 + 7) * 224 + x], 1e-3, "x " + x);
        }
    }

    @Test
    void sameSizeResizeIsACopy() {
        RawImage img = rampX(224, 100);
        byte[] px = img.pixels();
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 31);
        }
        // shorter side 100 -> resize 100 keeps 100x224; crop 100 centred at top 62
        float[] out = new float[3 * 100 * 100];
        new ResizeCentreCrop(100, 100).apply(img, null, out, 0);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 100; y++) {
                for (int x = 0; x < 100; x++) {
                    assertEquals(img.get(c, y + 62, x), out[(c * 100 + y) * 100 + x], 1e-4);
                }
            }
        }
    }

    @Test
    void randomResizedCropWindowsRespectScaleAndRatio() {
        RandomResizedCrop t = RandomResizedCrop.standard(224);
        SplittableRandom random = new SplittableRandom(3);
        int h = 300;
        int w = 400;
        for (int k = 0; k < 2000; k++) {
            int[] win = t.window(h, w, random);
            assertTrue(win[0] >= 0 && win[1] >= 0 && win[0] + win[2] <= h && win[1] + win[3] <= w, "window inside");
            double area = (double) win[2] * win[3] / (h * w);
            assertTrue(area > 0.07 && area <= 1.0 + 1e-9, "area " + area);
            double ratio = (double) win[3] / win[2];
            assertTrue(ratio > 0.70 && ratio < 1.42, "ratio " + ratio);
        }
    }

    @Test
    void randomResizedCropOfAConstantImageIsConstantAndFlipMirrors() {
        RawImage img = rampX(60, 80);
        RandomResizedCrop noFlip = new RandomResizedCrop(16, 1.0, 1.0, 80.0 / 60, 80.0 / 60, 0.0);
        RandomResizedCrop flip = new RandomResizedCrop(16, 1.0, 1.0, 80.0 / 60, 80.0 / 60, 1.0);
        float[] a = new float[3 * 256];
        float[] b = new float[3 * 256];
        noFlip.apply(img, new SplittableRandom(1), a, 0);
        flip.apply(img, new SplittableRandom(1), b, 0);
        // the whole image is the window: x samples (x + 0.5) * 5 - 0.5 of the ramp 2x
        for (int x = 0; x < 16; x++) {
            assertEquals(2 * ((x + 0.5) * 5 - 0.5), a[x], 1e-3);
            assertEquals(a[x], b[15 - x], 1e-4);
        }
    }
}
