package org.swa4j.experiments.geometry;

import java.nio.file.Path;

import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.ImageDataset;
import org.swa4j.data.Normalisation;

import picocli.CommandLine.Option;

/** The command-line options that say how a named data set is opened and served (shared by geometry and average). */
public final class DataArguments {

    @Option(names = "--data-dir", description = "directory holding the data sets (default: $SWA4J_DATA, else ~/.swa4j/data)")
    Path dataDir;

    @Option(names = "--train-limit", description = "use only the first N training examples (default: all)")
    int trainLimit;

    @Option(names = "--test-limit", description = "use only the first N test examples (default: all)")
    int testLimit;

    @Option(names = "--normalisation", description = "per-channel mean/std: default (the data set's), resnet, vgg, "
            + "train_statistics or unit; with a results directory, the run's (default: ${DEFAULT-VALUE})")
    String normalisation = Normalisation.DEFAULT.key();

    @Option(names = "--batch-size", description = "batch size of BN passes and evaluations (default: ${DEFAULT-VALUE})")
    int batchSize = 128;

    @Option(names = "--seed", description = "seed of the BN pass's shuffling and augmentation (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--no-augment", description = "recompute BN on un-augmented training images (default: augmented, as the reference code)")
    boolean noAugment;

    /** Opens data set {@code name} with these options; rejects bad limits and batch sizes. */
    public ImageDataset open(String name) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        if (trainLimit < 0 || testLimit < 0) {
            throw new IllegalArgumentException("--train-limit/--test-limit must be >= 0 (0 = all), got "
                    + trainLimit + "/" + testLimit);
        }
        DataOptions.Builder options = DataOptions.builder().trainLimit(trainLimit).testLimit(testLimit)
                .normalisation(Normalisation.parse(normalisation));
        if (dataDir != null) {
            options.dataDir(dataDir);
        }
        return Datasets.open(name, options.build());
    }

    public int batchSize() {
        return batchSize;
    }

    public long seed() {
        return seed;
    }

    public boolean augment() {
        return !noAugment;
    }
}
