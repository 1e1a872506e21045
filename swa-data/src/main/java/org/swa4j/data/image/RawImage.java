package org.swa4j.data.image;

/**
 * One decoded image: unsigned 8-bit pixels in channel-major (CHW) order, {@code pixels[(c * height + y) * width + x]}.
 * Rejects a pixel array whose length is not {@code channels * height * width}.
 */
public record RawImage(byte[] pixels, int channels, int height, int width) {
    public RawImage {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape " + channels + "x" + height + "x" + width
                    + " must be positive in every dimension");
        }
        if (pixels.length != channels * height * width) {
            throw new IllegalArgumentException("pixel array length " + pixels.length + " must be channels*height*width = "
                    + channels * height * width);
        }
    }

    /** The pixel at channel c, row y, column x, as 0..255. */
    public int get(int c, int y, int x) {
        return pixels[(c * height + y) * width + x] & 0xFF;
    }
}
