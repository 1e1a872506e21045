package org.swa4j.data.augment;

import java.util.SplittableRandom;
import org.swa4j.data.image.RawImage;

/** No augmentation: the pixels as they are. Rejects an image whose size is not the declared one. */
public record CopyTransform(int outputHeight, int outputWidth) implements ImageTransform {
    public CopyTransform {
        if (outputHeight < 1 || outputWidth < 1) {
            throw new IllegalArgumentException("output size " + outputHeight + "x" + outputWidth + " must be positive");
        }
    }

    @Override
    public void apply(RawImage image, SplittableRandom random, float[] out, int offset) {
        if (image.height() != outputHeight || image.width() != outputWidth) {
            throw new IllegalArgumentException("image is " + image.height() + "x" + image.width() + ", expected "
                    + outputHeight + "x" + outputWidth);
        }
        byte[] px = image.pixels();
        for (int i = 0; i < px.length; i++) {
            out[offset + i] = px[i] & 0xFF;
        }
    }
}
