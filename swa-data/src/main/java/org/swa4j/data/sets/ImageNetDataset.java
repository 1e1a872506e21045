package org.swa4j.data.sets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.swa4j.data.DataOptions;
import org.swa4j.data.DatasetNotFoundException;
import org.swa4j.data.EpochIterator;
import org.swa4j.data.ImageDataset;
import org.swa4j.data.Normalisation;
import org.swa4j.data.augment.ChannelNormaliser;
import org.swa4j.data.augment.ImageTransform;
import org.swa4j.data.augment.RandomResizedCrop;
import org.swa4j.data.augment.ResizeCentreCrop;
import org.swa4j.data.image.StratifiedSubset;
import org.swa4j.data.iterate.PrefetchingBatchIterator;

/**
 * ImageNet (ILSVRC-2012) in the folder layout {@code imagenet/train/<wnid>/*.JPEG}, {@code imagenet/val/<wnid>/*.JPEG}.
 * Classes are the training wnids, sorted. JPEGs are decoded on the batch threads ({@link DataOptions#workers()}
 * in parallel). Training transform: {@link RandomResizedCrop} to 224 with flip; evaluation and un-augmented
 * training: {@link ResizeCentreCrop} 256/224. Normalised with ImageNet mean/std by default. Never downloaded:
 * its licence requires the user to fetch it. Rejects {@code TRAIN_STATISTICS} normalisation (it would decode
 * every image) and a validation folder with a class the training folder lacks.
 */
public final class ImageNetDataset implements ImageDataset {
    public static final String FOLDER = "imagenet";
    private static final int SIZE = 224;

    private final Path root;
    private final List<String> classes;
    private final ImageFolderSource train;
    private final ImageFolderSource val;
    private final ChannelNormaliser normaliser;
    private final int workers;

    private ImageNetDataset(Path root, List<String> classes, ImageFolderSource train, ImageFolderSource val,
                            ChannelNormaliser normaliser, int workers) {
        this.root = root;
        this.classes = classes;
        this.train = train;
        this.val = val;
        this.normaliser = normaliser;
        this.workers = workers;
    }

    /** Finds the folders and indexes them. */
    public static ImageNetDataset open(DataOptions options) {
        List<Path> candidates = DataLocations.candidates(options, FOLDER, false);
        Path root = candidates.stream().filter(d -> Files.isDirectory(d.resolve("train")) && Files.isDirectory(d.resolve("val")))
                .findFirst().orElseThrow(() -> new DatasetNotFoundException("imagenet not found: expected the folders "
                        + "train/<wnid>/*.JPEG and val/<wnid>/*.JPEG under " + candidates + ". ImageNet is never downloaded "
                        + "automatically: its licence requires you to obtain ILSVRC-2012 from https://image-net.org/ yourself. "
                        + "Put the training images in " + candidates.get(0).resolve("train") + "/<wnid>/ and the validation "
                        + "images sorted into " + candidates.get(0).resolve("val") + "/<wnid>/."));
        ChannelNormaliser normaliser = switch (options.normalisation()) {
            case DEFAULT, VGG -> ChannelNormaliser.IMAGENET;
            case RESNET -> ChannelNormaliser.CIFAR_RESNET;
            case UNIT -> ChannelNormaliser.unit(3);
            case TRAIN_STATISTICS -> throw new IllegalArgumentException("normalisation TRAIN_STATISTICS is not offered for "
                    + "imagenet (it would decode every image); use DEFAULT/VGG or UNIT");
        };
        List<String> classes = ImageFolderSource.classFolders(root.resolve("train"));
        if (classes.isEmpty()) {
            throw new DatasetNotFoundException(root.resolve("train") + " holds no class folders");
        }
        for (String v : ImageFolderSource.classFolders(root.resolve("val"))) {
            if (!classes.contains(v)) {
                throw new DatasetNotFoundException(root.resolve("val").resolve(v) + ": class " + v
                        + " has no training folder in " + root.resolve("train"));
            }
        }
        ImageFolderSource train = limit(ImageFolderSource.index(root.resolve("train"), classes), options.trainLimit(),
                "imagenet train");
        List<String> valClasses = ImageFolderSource.classFolders(root.resolve("val"));
        ImageFolderSource val = limit(indexVal(root.resolve("val"), classes, valClasses), options.testLimit(), "imagenet val");
        return new ImageNetDataset(root, classes, train, val, normaliser, options.workers());
    }

    private static ImageFolderSource indexVal(Path valRoot, List<String> classes, List<String> present) {
        if (present.size() != classes.size()) {
            throw new DatasetNotFoundException(valRoot + " has " + present.size() + " class folders but the training split has "
                    + classes.size() + "; every class needs a validation folder");
        }
        return ImageFolderSource.index(valRoot, classes);
    }

    private static ImageFolderSource limit(ImageFolderSource source, int limit, String what) {
        if (limit == 0 || limit == source.size()) {
            return source;
        }
        if (limit > source.size()) {
            throw new IllegalArgumentException(what + " limit " + limit + " must be in [0, " + source.size() + "]");
        }
        int[] chosen = StratifiedSubset.select(source.labels(), source.numClasses(), limit);
        ImageFolderSource subset = source.select(chosen);
        int[] perClass = new int[source.numClasses()];
        for (int l : subset.labels()) {
            perClass[l]++;
        }
        Subsets.log(what, limit, source.size(), perClass);
        return subset;
    }

    @Override
    public String name() {
        return "imagenet";
    }

    @Override
    public int numClasses() {
        return classes.size();
    }

    /** The wnids, sorted. */
    @Override
    public List<String> classNames() {
        return classes;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public int height() {
        return SIZE;
    }

    @Override
    public int width() {
        return SIZE;
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    public int testSize() {
        return val.size();
    }

    @Override
    public String provenance() {
        return "imagenet: train " + train.size() + ", val " + val.size() + " images from " + root + ", " + classes.size()
                + " classes, train transform " + RandomResizedCrop.standard(SIZE) + ", eval transform "
                + ResizeCentreCrop.standard() + ", normalisation " + normaliser;
    }

    @Override
    public EpochIterator train(int batchSize, long seed, boolean augment, boolean dropLast) {
        ImageTransform transform = augment ? RandomResizedCrop.standard(SIZE) : ResizeCentreCrop.standard();
        return new PrefetchingBatchIterator(train, transform, normaliser, classes, 3, batchSize, seed, true, dropLast, workers);
    }

    @Override
    public DataSetIterator test(int batchSize) {
        return new PrefetchingBatchIterator(val, ResizeCentreCrop.standard(), normaliser, classes, 3, batchSize, 0L, false,
                false, workers);
    }
}
