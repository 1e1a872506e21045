package org.swa4j.data.image;

import java.util.Arrays;
import java.util.List;

/**
 * Labelled images of one fixed shape held in memory: {@code pixels} holds {@code size()} images back to back,
 * each channel-major (CHW), unsigned 8-bit. Produced by the IDX and CIFAR readers. Rejects inconsistent
 * lengths and labels outside {@code [0, classNames.size())}.
 */
public record LabelledImages(String source, List<String> classNames, int channels, int height, int width,
                             byte[] pixels, int[] labels) implements ExampleSource {
    public LabelledImages {
        classNames = List.copyOf(classNames);
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape " + channels + "x" + height + "x" + width + " must be positive");
        }
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixel array length " + pixels.length + " must be " + labels.length
                    + " images x " + channels * height * width + " = " + expected);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of example " + i + " must be in [0, "
                        + classNames.size() + ")");
            }
        }
    }

    /** Bytes per image. */
    public int imageBytes() {
        return channels * height * width;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int numClasses() {
        return classNames.size();
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public RawImage image(int index) {
        int n = imageBytes();
        return new RawImage(Arrays.copyOfRange(pixels, index * n, (index + 1) * n), channels, height, width);
    }

    /** Number of examples of each class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** The examples at the given indices, in that order. */
    public LabelledImages select(int[] indices, String subsetSource) {
        int n = imageBytes();
        byte[] px = new byte[indices.length * n];
        int[] lb = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int k = indices[i];
            if (k < 0 || k >= size()) {
                throw new IllegalArgumentException("index " + k + " must be in [0, " + size() + ")");
            }
            System.arraycopy(pixels, k * n, px, i * n, n);
            lb[i] = labels[k];
        }
        return new LabelledImages(subsetSource, classNames, channels, height, width, px, lb);
    }
}
