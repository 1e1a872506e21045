package org.swa4j.data.sets;

import org.swa4j.data.Normalisation;
import org.swa4j.data.augment.ChannelNormaliser;
import org.swa4j.data.image.LabelledImages;

/** Resolves a {@link Normalisation} choice to constants for a given training split. */
final class Normalisers {
    private Normalisers() {
    }

    /** {@code fallback} replaces DEFAULT; three-channel constants are rejected for other channel counts. */
    static ChannelNormaliser resolve(Normalisation choice, Normalisation fallback, LabelledImages train, String set) {
        Normalisation c = choice == Normalisation.DEFAULT ? fallback : choice;
        ChannelNormaliser n = switch (c) {
            case RESNET -> ChannelNormaliser.CIFAR_RESNET;
            case VGG -> ChannelNormaliser.IMAGENET;
            case TRAIN_STATISTICS -> ChannelNormaliser.ofImages(train);
            case UNIT -> ChannelNormaliser.unit(train.channels());
            case DEFAULT -> throw new IllegalStateException("DEFAULT has no constants");
        };
        if (n.channels() != train.channels()) {
            throw new IllegalArgumentException("normalisation " + c + " has " + n.channels() + "-channel constants but "
                    + set + " has " + train.channels() + " channel(s); use TRAIN_STATISTICS or UNIT");
        }
        return n;
    }
}
