package org.swa4j.data.augment;

import java.util.Arrays;
import org.swa4j.data.image.LabelledImages;

/**
 * Per-channel normalisation after the geometric transform: {@code v' = (v / 255 - mean[c]) / std[c]} for a
 * value {@code v} on the 0..255 scale (torchvision {@code ToTensor} then {@code Normalize(mean, std)}).
 * Rejects a non-positive or non-finite standard deviation and mean/std arrays of different length.
 */
public record ChannelNormaliser(double[] mean, double[] std) {
    /** The ResNet-style CIFAR constants of the reference code (timgaripov/swa). */
    public static final ChannelNormaliser CIFAR_RESNET = new ChannelNormaliser(
            new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.2023, 0.1994, 0.2010});
    /** ImageNet mean/std, used for ImageNet and by the reference VGG CIFAR runs. */
    public static final ChannelNormaliser IMAGENET = new ChannelNormaliser(
            new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});

    public ChannelNormaliser {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean has " + mean.length + " channels and std " + std.length
                    + "; they must agree and be non-empty");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || Double.isInfinite(std[c]) || !Double.isFinite(mean[c])) {
                throw new IllegalArgumentException("channel " + c + ": mean " + mean[c] + ", std " + std[c]
                        + "; std must be finite and > 0");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Only the scaling to [0, 1]: mean 0 and std 1 for every channel. */
    public static ChannelNormaliser unit(int channels) {
        double[] m = new double[channels];
        double[] s = new double[channels];
        Arrays.fill(s, 1.0);
        return new ChannelNormaliser(m, s);
    }

    /** Mean and (population) standard deviation per channel of the given images on the [0, 1] scale. */
    public static ChannelNormaliser ofImages(LabelledImages images) {
        int c = images.channels();
        int plane = images.height() * images.width();
        double[] sum = new double[c];
        double[] sumSq = new double[c];
        byte[] px = images.pixels();
        for (int i = 0; i < images.size(); i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * plane;
                long s = 0;
                long sq = 0;
                for (int k = 0; k < plane; k++) {
                    int v = px[base + k] & 0xFF;
                    s += v;
                    sq += (long) v * v;
                }
                sum[ch] += s;
                sumSq[ch] += sq;
            }
        }
        double[] mean = new double[c];
        double[] std = new double[c];
        double n = (double) images.size() * plane;
        for (int ch = 0; ch < c; ch++) {
            double m = sum[ch] / n;
            mean[ch] = m / 255.0;
            std[ch] = Math.sqrt(Math.max(sumSq[ch] / n - m * m, 0)) / 255.0;
        }
        return new ChannelNormaliser(mean, std);
    }

    /** Number of channels. */
    public int channels() {
        return mean.length;
    }

    /** Normalises {@code channels() * planeSize} CHW values in place starting at {@code offset}. */
    public void apply(float[] values, int offset, int planeSize) {
        int o = offset;
        for (int c = 0; c < mean.length; c++) {
            float scale = (float) (1.0 / (255.0 * std[c]));
            float shift = (float) (mean[c] / std[c]);
            for (int k = 0; k < planeSize; k++, o++) {
                values[o] = values[o] * scale - shift;
            }
        }
    }

    @Override
    public String toString() {
        return "mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
    }
}
