package org.swa4j.data;

/**
 * Which per-channel mean/std the iterators normalise with (see DESIGN.md).
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
    DEFAULT, RESNET, VGG, TRAIN_STATISTICS, UNIT
}
