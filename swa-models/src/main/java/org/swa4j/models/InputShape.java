package org.swa4j.models;

/**
 * The shape of one input image, channels first (NCHW without the batch dimension).
 *
 * <p>Rejects non-positive sizes. A family that downsamples checks the minimum size it needs with
 * {@link #requireAtLeast(int, String)}.
 */
public record InputShape(int channels, int height, int width) {

    /** CIFAR-10/100 images: 3 x 32 x 32. */
    public static final InputShape CIFAR = new InputShape(3, 32, 32);

    public InputShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("input shape " + channels + "x" + height + "x" + width
                    + " must have channels, height and width >= 1");
        }
    }

    /**
     * Rejects an input whose height or width is below {@code minSize}; {@code rule} says why the
     * family needs that size (it is quoted in the message).
     */
    public void requireAtLeast(int minSize, String rule) {
        if (height < minSize || width < minSize) {
            throw new IllegalArgumentException("input " + this + " is too small: height and width must be >= "
                    + minSize + " (" + rule + ")");
        }
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
