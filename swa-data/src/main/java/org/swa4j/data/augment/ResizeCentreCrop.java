package org.swa4j.data.augment;

import java.util.SplittableRandom;
import org.swa4j.data.image.RawImage;

/**
 * The standard ImageNet evaluation transform (torchvision {@code Resize(256)} then {@code CenterCrop(224)}):
 * scale the image so its shorter side is {@code resize} (the longer side {@code floor(resize * long / short)}),
 * then take the centred {@code crop x crop} window at {@code top = round((H' - crop) / 2)},
 * {@code left = round((W' - crop) / 2)}. Resizing and cropping are done in one bilinear pass. Deterministic.
 * Rejects {@code crop > resize}.
 */
public record ResizeCentreCrop(int resize, int crop) implements ImageTransform {
    public ResizeCentreCrop {
        if (crop < 1 || crop > resize) {
            throw new IllegalArgumentException("crop " + crop + " must be in [1, resize = " + resize + "]");
        }
    }

    /** Resize 256, crop 224. */
    public static ResizeCentreCrop standard() {
        return new ResizeCentreCrop(256, 224);
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
        int h = image.height();
        int w = image.width();
        int newH;
        int newW;
        if (w <= h) {
            newW = resize;
            newH = (int) ((long) resize * h / w);
        } else {
            newH = resize;
            newW = (int) ((long) resize * w / h);
        }
        int top = (int) Math.round((newH - crop) / 2.0);
        int left = (int) Math.round((newW - crop) / 2.0);
        double scaleY = (double) h / newH;
        double scaleX = (double) w / newW;
        Bilinear.resample(image, top * scaleY, scaleY, 0, h - 1, left * scaleX, scaleX, 0, w - 1,
                crop, crop, false, out, offset);
    }
}
