package org.swa4j.data.sets;

import java.util.List;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.swa4j.data.EpochIterator;
import org.swa4j.data.ImageDataset;
import org.swa4j.data.augment.ChannelNormaliser;
import org.swa4j.data.augment.CopyTransform;
import org.swa4j.data.augment.ImageTransform;
import org.swa4j.data.image.LabelledImages;
import org.swa4j.data.iterate.PrefetchingBatchIterator;

/**
 * A data set held in memory (CIFAR, (Fashion-)MNIST): training batches are augmented with {@code augmentation}
 * when asked, test batches are the images as they are; both are normalised with {@code normaliser}.
 * Rejects train and test splits of different shapes or classes, and an augmentation whose output size is not
 * the image size.
 */
public final class InMemoryImageDataset implements ImageDataset {
    private final String name;
    private final LabelledImages train;
    private final LabelledImages test;
    private final ImageTransform augmentation;
    private final ChannelNormaliser normaliser;
    private final int workers;

    public InMemoryImageDataset(String name, LabelledImages train, LabelledImages test, ImageTransform augmentation,
                                ChannelNormaliser normaliser, int workers) {
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width()) {
            throw new IllegalArgumentException("train images " + shape(train) + " and test images " + shape(test) + " differ");
        }
        if (!train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException("train and test class names differ");
        }
        if (augmentation.outputHeight() != train.height() || augmentation.outputWidth() != train.width()) {
            throw new IllegalArgumentException("augmentation output " + augmentation.outputHeight() + "x"
                    + augmentation.outputWidth() + " must equal the image size " + train.height() + "x" + train.width());
        }
        this.name = name;
        this.train = train;
        this.test = test;
        this.augmentation = augmentation;
        this.normaliser = normaliser;
        this.workers = workers;
    }

    private static String shape(LabelledImages images) {
        return images.channels() + "x" + images.height() + "x" + images.width();
    }

    /** The training examples in use. */
    public LabelledImages trainImages() {
        return train;
    }

    /** The test examples in use. */
    public LabelledImages testImages() {
        return test;
    }

    /**
     * This data set with {@code otherTest} as its test split: the same training images, augmentation,
     * normalisation (constants computed from the training images, not from the new test split) and workers,
     * e.g. for a corrupted copy of the test set. Rejects a test split of another shape or other classes.
     */
    public InMemoryImageDataset withTestImages(LabelledImages otherTest) {
        return new InMemoryImageDataset(name, train, otherTest, augmentation, normaliser, workers);
    }

    /**
     * This data set on stratified subsets of its splits ({@code 0} keeps a split whole), with the same
     * augmentation, workers and normalisation: the constants stay those of the training images in use now, so
     * that a network trained on this data set sees inputs normalised as in training (a data set opened with the
     * smaller limit would compute {@code TRAIN_STATISTICS} constants from the smaller split). Rejects a limit
     * larger than the split.
     */
    public InMemoryImageDataset subset(int trainLimit, int testLimit) {
        return new InMemoryImageDataset(name, Subsets.limit(train, trainLimit, name + " train"),
                Subsets.limit(test, testLimit, name + " test"), augmentation, normaliser, workers);
    }

    /** The normalisation applied to every batch. */
    public ChannelNormaliser normaliser() {
        return normaliser;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int numClasses() {
        return train.numClasses();
    }

    @Override
    public List<String> classNames() {
        return train.classNames();
    }

    @Override
    public int channels() {
        return train.channels();
    }

    @Override
    public int height() {
        return train.height();
    }

    @Override
    public int width() {
        return train.width();
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    public int testSize() {
        return test.size();
    }

    @Override
    public String provenance() {
        return name + ": train " + train.size() + " from " + train.source() + ", test " + test.size() + " from "
                + test.source() + ", " + channels() + "x" + height() + "x" + width() + ", augmentation " + augmentation
                + ", normalisation " + normaliser;
    }

    @Override
    public EpochIterator train(int batchSize, long seed, boolean augment, boolean dropLast) {
        ImageTransform transform = augment ? augmentation : new CopyTransform(height(), width());
        return new PrefetchingBatchIterator(train, transform, normaliser, classNames(), channels(), batchSize, seed, true,
                dropLast, workers);
    }

    @Override
    public DataSetIterator test(int batchSize) {
        return new PrefetchingBatchIterator(test, new CopyTransform(height(), width()), normaliser, classNames(), channels(),
                batchSize, 0L, false, false, workers);
    }
}
