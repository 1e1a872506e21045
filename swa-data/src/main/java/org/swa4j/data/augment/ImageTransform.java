package org.swa4j.data.augment;

import java.util.SplittableRandom;
import org.swa4j.data.image.RawImage;

/**
 * A geometric transform from a decoded image to a fixed output shape, writing {@code channels * outputHeight
 * * outputWidth} values on the 0..255 scale into a float buffer in CHW order. Normalisation is a separate
 * step ({@link ChannelNormaliser}) applied afterwards, as in torchvision's {@code ToTensor} + {@code Normalize}
 * after the geometric transforms. Random transforms draw only from the generator they are given.
 */
public interface ImageTransform {
    int outputHeight();

    int outputWidth();

    /** Writes the transformed image at {@code out[offset ...]}. */
    void apply(RawImage image, SplittableRandom random, float[] out, int offset);
}
