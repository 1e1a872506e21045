package org.swa4j.data;

import java.util.List;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * An image classification data set with a training and a test split, served as DL4J iterators of NCHW float
 * batches with one-hot labels, normalised per channel. Obtain one with {@link Datasets#open}.
 */
public interface ImageDataset {
    /** The name it was opened by, e.g. {@code "cifar10"}. */
    String name();

    int numClasses();

    /** Class names, index = label. */
    List<String> classNames();

    int channels();

    /** Height of the images the iterators produce. */
    int height();

    /** Width of the images the iterators produce. */
    int width();

    /** Training examples (after any limit). */
    int trainSize();

    /** Test examples (after any limit). */
    int testSize();

    /**
     * Training batches, NCHW float, one-hot labels, normalised; augmented if {@code augment}. The order and
     * augmentation of pass {@code e} depend only on (seed, e); each {@code reset()} starts the next pass;
     * {@code setEpoch(e)} chooses the pass that the next {@code reset()}/iteration uses. Batches are prepared
     * ahead on background threads. A last batch smaller than {@code batchSize} is returned as it is.
     */
    default EpochIterator train(int batchSize, long seed, boolean augment) {
        return train(batchSize, seed, augment, false);
    }

    /** As {@link #train(int, long, boolean)}; with {@code dropLast} a final partial batch is left out of each pass. */
    EpochIterator train(int batchSize, long seed, boolean augment, boolean dropLast);

    /** Test batches in file order, normalised, no augmentation; the last batch may be smaller. */
    DataSetIterator test(int batchSize);

    /**
     * One line for a run's provenance record: where the data came from, the sizes in use (and whether a limit
     * took a subset), the augmentation and the normalisation constants.
     */
    default String provenance() {
        return name() + ": train " + trainSize() + ", test " + testSize() + ", " + channels() + "x" + height() + "x" + width();
    }
}
