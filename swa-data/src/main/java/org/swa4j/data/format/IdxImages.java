package org.swa4j.data.format;

import java.util.List;
import org.swa4j.data.CorruptDataException;
import org.swa4j.data.image.LabelledImages;

/**
 * Pairs an IDX image file (N x H x W) with its IDX label file (N) into single-channel {@link LabelledImages}.
 * Rejects differing record counts and a label outside {@code [0, classNames.size())}, naming the label
 * file, the record and its byte offset.
 */
public final class IdxImages {
    private IdxImages() {
    }

    /** Combines already-parsed image and label arrays; the sources name them in error messages. */
    public static LabelledImages combine(String imageSource, IdxArray images, String labelSource, IdxArray labels,
                                         List<String> classNames) {
        if (images.dims().length != 3) {
            throw new CorruptDataException(imageSource, 3, "image file has " + images.dims().length
                    + " dimensions, expected 3 (count, rows, columns)");
        }
        if (labels.count() != images.count()) {
            throw new CorruptDataException(labelSource, 4, "label file holds " + labels.count() + " records but "
                    + imageSource + " holds " + images.count() + " images");
        }
        int[] lb = new int[labels.count()];
        int headerBytes = 8;
        for (int i = 0; i < lb.length; i++) {
            lb[i] = labels.data()[i] & 0xFF;
            if (lb[i] >= classNames.size()) {
                throw new CorruptDataException(labelSource, headerBytes + i, "label " + lb[i] + " of record " + i
                        + " is outside [0, " + classNames.size() + ")");
            }
        }
        return new LabelledImages(imageSource, classNames, 1, images.dims()[1], images.dims()[2], images.data(), lb);
    }
}
