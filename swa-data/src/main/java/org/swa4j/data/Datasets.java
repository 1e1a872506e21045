package org.swa4j.data;

import java.util.List;
import org.swa4j.data.sets.CifarDatasets;
import org.swa4j.data.sets.EmbeddedFashionMnist;
import org.swa4j.data.sets.IdxDatasets;
import org.swa4j.data.sets.ImageNetDataset;

/**
 * Opens the data sets by name. Files are looked for in the data directory ({@link DataOptions#dataDir()},
 * else {@code $SWA4J_DATA}, else {@code ~/.swa4j/data}) under each set's official folder name, then (for
 * Fashion-MNIST and MNIST) in {@code /usr/share/datasets/<set>}, then downloaded from the official source if
 * {@link DataOptions#allowDownload()} (never ImageNet). A set that cannot be found throws
 * {@link DatasetNotFoundException} listing the files expected, the places looked in and how to get them.
 * Rejects an unknown name, listing the known ones.
 */
public final class Datasets {
    private static final List<String> NAMES = List.of("fashion-mnist", EmbeddedFashionMnist.NAME, "mnist", "cifar10",
            "cifar100", "imagenet");

    private Datasets() {
    }

    /** The names {@link #open} accepts. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * The published sizes and shape of data set {@code name} (Fashion-MNIST and MNIST: Xiao et al. 2017 and
     * LeCun et al.; CIFAR: Krizhevsky 2009; ImageNet: the ILSVRC-2012 release), without opening any file.
     */
    public static DatasetSpec spec(String name) {
        return switch (name) {
            case "fashion-mnist" -> new DatasetSpec(name, 60_000, 10_000, 10, 1, 28, 28);
            case "fashion-mnist-embedded" -> new DatasetSpec(name, 6_000, 10_000, 10, 1, 28, 28);
            case "mnist" -> new DatasetSpec(name, 60_000, 10_000, 10, 1, 28, 28);
            case "cifar10" -> new DatasetSpec(name, 50_000, 10_000, 10, 3, 32, 32);
            case "cifar100" -> new DatasetSpec(name, 50_000, 10_000, 100, 3, 32, 32);
            case "imagenet" -> new DatasetSpec(name, 1_281_167, 50_000, 1_000, 3, 224, 224);
            default -> throw new IllegalArgumentException("data set '" + name + "' is unknown; known: " + NAMES);
        };
    }

    /** Opens data set {@code name}. */
    public static ImageDataset open(String name, DataOptions options) {
        return switch (name) {
            case "fashion-mnist" -> IdxDatasets.open(IdxDatasets.FASHION_MNIST, options);
            case "fashion-mnist-embedded" -> EmbeddedFashionMnist.open(options);
            case "mnist" -> IdxDatasets.open(IdxDatasets.MNIST, options);
            case "cifar10" -> CifarDatasets.open(CifarDatasets.CIFAR10, options);
            case "cifar100" -> CifarDatasets.open(CifarDatasets.CIFAR100, options);
            case "imagenet" -> ImageNetDataset.open(options);
            default -> throw new IllegalArgumentException("data set '" + name + "' is unknown; known: " + NAMES);
        };
    }
}
