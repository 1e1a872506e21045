package org.swa4j.data.augment;

import java.util.SplittableRandom;
import org.swa4j.data.image.RawImage;

/**
 * The standard ImageNet training transform (torchvision {@code RandomResizedCrop(224)} then
 * {@code RandomHorizontalFlip()}): up to ten times draw an area fraction {@code s ~ U(scaleMin, scaleMax)}
 * and a log-uniform aspect ratio {@code r} in {@code [ratioMin, ratioMax]}; the window is
 * {@code w = round(sqrt(s A r))}, {@code h = round(sqrt(s A / r))} at a uniform position if it fits. If no
 * draw fits, the centred window of the whole image with the ratio clamped into range. The window is resized
 * bilinearly to {@code size x size} and flipped left-right with probability {@code flipProbability}.
 * Defaults: scale [0.08, 1], ratio [3/4, 4/3], flip 0.5.
 */
public record RandomResizedCrop(int size, double scaleMin, double scaleMax, double ratioMin, double ratioMax,
                                double flipProbability) implements ImageTransform {
    public RandomResizedCrop {
        if (size < 1) {
            throw new IllegalArgumentException("size " + size + " must be >= 1");
        }
        if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
            throw new IllegalArgumentException("scale range [" + scaleMin + ", " + scaleMax + "] must satisfy 0 < min <= max <= 1");
        }
        if (!(ratioMin > 0 && ratioMin <= ratioMax)) {
            throw new IllegalArgumentException("ratio range [" + ratioMin + ", " + ratioMax + "] must satisfy 0 < min <= max");
        }
        if (!(flipProbability >= 0 && flipProbability <= 1)) {
            throw new IllegalArgumentException("flip probability " + flipProbability + " must be in [0, 1]");
        }
    }

    /** torchvision's defaults at the given output size. */
    public static RandomResizedCrop standard(int size) {
        return new RandomResizedCrop(size, 0.08, 1.0, 3.0 / 4, 4.0 / 3, 0.5);
    }

    @Override
    public int outputHeight() {
        return size;
    }

    @Override
    public int outputWidth() {
        return size;
    }

    @Override
    public void apply(RawImage image, SplittableRandom random, float[] out, int offset) {
        int[] window = window(image.height(), image.width(), random);
        boolean flip = random.nextDouble() < flipProbability;
        int top = window[0];
        int left = window[1];
        int h = window[2];
        int w = window[3];
        Bilinear.resample(image, top, (double) h / size, top, top + h - 1, left, (double) w / size, left, left + w - 1,
                size, size, flip, out, offset);
    }

    /** The crop window {top, left, height, width} for an image of the given size. */
    int[] window(int height, int width, SplittableRandom random) {
        double area = (double) height * width;
        double logMin = Math.log(ratioMin);
        double logMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (scaleMin + (scaleMax - scaleMin) * random.nextDouble());
            double ratio = Math.exp(logMin + (logMax - logMin) * random.nextDouble());
            int w = (int) Math.round(Math.sqrt(target * ratio));
            int h = (int) Math.round(Math.sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                return new int[] {top, left, h, w};
            }
        }
        double inRatio = (double) width / height;
        int w = width;
        int h = height;
        if (inRatio < ratioMin) {
            h = Math.max(1, (int) Math.round(w / ratioMin));
        } else if (inRatio > ratioMax) {
            w = Math.max(1, (int) Math.round(h * ratioMax));
        }
        return new int[] {(height - h) / 2, (width - w) / 2, h, w};
    }
}
