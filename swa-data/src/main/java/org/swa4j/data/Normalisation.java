package org.swa4j.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which per-channel mean/std the iterators normalise with. The reference code ties the constants to
 * the model: timgaripov/swa ({@code models/*.py}) and dnn-mode-connectivity ({@code data.py},
 * {@code --transform}) normalise CIFAR with the ResNet constants for PreResNet and WideResNet and
 * with the ImageNet constants for VGG.
 * <ul>
 * <li>{@code DEFAULT}: {@code RESNET} for CIFAR, {@code VGG} (ImageNet constants) for ImageNet,
 *     {@code TRAIN_STATISTICS} for (Fashion-)MNIST.</li>
 * <li>{@code RESNET}: (0.4914, 0.4822, 0.4465) / (0.2023, 0.1994, 0.2010), the reference code's CIFAR constants.</li>
 * <li>{@code VGG}: ImageNet mean (0.485, 0.456, 0.406) / std (0.229, 0.224, 0.225), the reference VGG runs.</li>
 * <li>{@code TRAIN_STATISTICS}: mean and std of the training images in use (after any limit).</li>
 * <li>{@code UNIT}: only scaling to [0, 1].</li>
 * </ul>
 * {@code RESNET} and {@code VGG} are three-channel constants and are rejected for single-channel data.
 */
public enum Normalisation {
    DEFAULT, RESNET, VGG, TRAIN_STATISTICS, UNIT;

    /** The name presets and command-line options use: the constant in lower case ({@code vgg}, {@code train_statistics}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The normalisation called {@code key} (any case); null is {@code DEFAULT}; rejects other names, listing the known ones. */
    public static Normalisation parse(String key) {
        if (key == null) {
            return DEFAULT;
        }
        for (Normalisation n : values()) {
            if (n.key().equalsIgnoreCase(key.trim())) {
                return n;
            }
        }
        throw new IllegalArgumentException("unknown normalisation '" + key + "'; known: "
                + Arrays.stream(values()).map(Normalisation::key).toList());
    }
}
