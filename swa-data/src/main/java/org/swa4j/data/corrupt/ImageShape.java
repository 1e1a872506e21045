package org.swa4j.data.corrupt;

/**
 * The shape of one image held as a channel-major (CHW) array of pixel values,
 * {@code pixels[(c * height + y) * width + x]}. Rejects a non-positive dimension.
 */
public record ImageShape(int channels, int height, int width) {
    public ImageShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape " + channels + "x" + height + "x" + width
                    + " must be positive in every dimension");
        }
    }

    /** Values per image, {@code channels * height * width}. */
    public int size() {
        return channels * height * width;
    }

    /** Rejects an array of another length than {@link #size()}, naming both. */
    void check(double[] pixels) {
        if (pixels == null) {
            throw new IllegalArgumentException("pixels must not be null");
        }
        if (pixels.length != size()) {
            throw new IllegalArgumentException("pixel array length " + pixels.length + " must be " + channels + "x" + height
                    + "x" + width + " = " + size());
        }
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
