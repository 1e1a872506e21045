package org.swa4j.data.augment;

import java.util.SplittableRandom;
import org.swa4j.data.image.RawImage;

/**
 * The reference CIFAR augmentation (timgaripov/swa, torchvision {@code RandomCrop(32, padding=4)} then
 * {@code RandomHorizontalFlip()}): pad the image with {@code pad} zero pixels on every side, take a
 * {@code crop x crop} window at offsets {@code dy, dx} drawn uniformly from {@code [0, H + 2 pad - crop]} and
 * {@code [0, W + 2 pad - crop]}, then mirror it left-right with probability {@code flipProbability}:
 * {@code out[c][y][x] = padded[c][y + dy][flip ? crop - 1 - x + dx : x + dx]}. Padding is zero on the 0..255
 * scale, before normalisation (so a padded pixel normalises to {@code -mean/std}). Draw order per image:
 * {@code dy}, {@code dx}, then the flip. CIFAR: pad 4, crop 32; 28x28 images: pad 2, crop 28 (the CIFAR recipe
 * scaled to 28 pixels, as in the PyTorch 1.13 calibration runs of the {@code fashion-mnist-10k} preset).
 * Rejects a negative pad, a crop larger than the padded image, a probability outside [0, 1].
 */
public record PadCropFlip(int pad, int crop, double flipProbability) implements ImageTransform {
    public PadCropFlip {
        if (pad < 0) {
            throw new IllegalArgumentException("pad " + pad + " must be >= 0");
        }
        if (crop < 1) {
            throw new IllegalArgumentException("crop " + crop + " must be >= 1");
        }
        if (!(flipProbability >= 0 && flipProbability <= 1)) {
            throw new IllegalArgumentException("flip probability " + flipProbability + " must be in [0, 1]");
        }
    }

    /** The CIFAR recipe: pad 4, crop 32, flip with p = 0.5. */
    public static PadCropFlip cifar() {
        return new PadCropFlip(4, 32, 0.5);
    }

    /** The 28x28 recipe (Fashion-MNIST, MNIST): pad 2, crop 28, flip with p = 0.5. */
    public static PadCropFlip mnist() {
        return new PadCropFlip(2, 28, 0.5);
    }

    @Override
    public int outputHeight() {
        return crop;
    }

    @Override
    public int outputWidth() {
        return crop;
    }

    @Override
    public void apply(RawImage image, SplittableRandom random, float[] out, int offset) {
        int maxDy = image.height() + 2 * pad - crop;
        int maxDx = image.width() + 2 * pad - crop;
        if (maxDy < 0 || maxDx < 0) {
            throw new IllegalArgumentException("crop " + crop + " exceeds the padded image " + (image.height() + 2 * pad)
                    + "x" + (image.width() + 2 * pad));
        }
        int dy = random.nextInt(maxDy + 1);
        int dx = random.nextInt(maxDx + 1);
        boolean flip = random.nextDouble() < flipProbability;
        apply(image, dy, dx, flip, out, offset);
    }

    /** The transform with given offsets into the padded image and flip decision. */
    public void apply(RawImage image, int dy, int dx, boolean flip, float[] out, int offset) {
        int h = image.height();
        int w = image.width();
        if (dy < 0 || dx < 0 || dy > h + 2 * pad - crop || dx > w + 2 * pad - crop) {
            throw new IllegalArgumentException("offsets (" + dy + ", " + dx + ") must be in [0, " + (h + 2 * pad - crop)
                    + "] x [0, " + (w + 2 * pad - crop) + "]");
        }
        byte[] px = image.pixels();
        int o = offset;
        for (int c = 0; c < image.channels(); c++) {
            int plane = c * h * w;
            for (int y = 0; y < crop; y++) {
                int sy = y + dy - pad;
                if (sy < 0 || sy >= h) {
                    java.util.Arrays.fill(out, o, o + crop, 0f);
                    o += crop;
                    continue;
                }
                int row = plane + sy * w;
                for (int x = 0; x < crop; x++) {
                    int sx = (flip ? crop - 1 - x : x) + dx - pad;
                    out[o++] = sx < 0 || sx >= w ? 0f : px[row + sx] & 0xFF;
                }
            }
        }
    }
}
