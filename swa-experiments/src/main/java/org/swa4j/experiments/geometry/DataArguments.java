package org.swa4j.experiments.geometry;

import java.nio.file.Path;

import org.swa4j.data.DataOptions;
import org.swa4j.data.Datasets;
import org.swa4j.data.ImageDataset;
import org.swa4j.data.Normalisation;
import org.swa4j.data.sets.InMemoryImageDataset;
import org.swa4j.experiments.preset.Preset;

import picocli.CommandLine.Option;

/** The command-line options that say how a named data set is opened and served (shared by geometry and average). */
public final class DataArguments {

    @Option(names = "--data-dir", description = "directory holding the data sets (default: $SWA4J_DATA, else ~/.swa4j/data)")
    Path dataDir;

    @Option(names = "--train-limit", description = "use a stratified subset of N training examples (default: all; "
            + "with a results directory, the run's, and N may only narrow it)")
    Integer trainLimit;

    @Option(names = "--test-limit", description = "use a stratified subset of N test examples (default: all; "
            + "with a results directory, the run's, and N may only narrow it)")
    Integer testLimit;

    @Option(names = "--normalisation", description = "per-channel mean/std: default (the data set's), resnet, vgg, "
            + "train_statistics or unit (default: default; with a results directory, the run's, and no other)")
    String normalisation;

    @Option(names = "--batch-size", description = "batch size of BN passes and evaluations (default: ${DEFAULT-VALUE})")
    int batchSize = 128;

    @Option(names = "--seed", description = "seed of the BN pass's shuffling and augmentation (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--no-augment", description = "recompute BN on un-augmented training images (default: augmented, as the reference code)")
    boolean noAugment;

    /** Opens data set {@code name} with these options; rejects bad limits and batch sizes. */
    public ImageDataset open(String name) {
        return open(name, orZero(trainLimit), orZero(testLimit), normalisation == null ? Normalisation.DEFAULT.key() : normalisation);
    }

    /**
     * Opens the data of a finished run of {@code preset}: its data set, normalisation and limits. A
     * {@code --train-limit} or {@code --test-limit} given here narrows the run's data to a stratified subset of
     * that size, for a cheaper analysis, and keeps the run's normalisation constants (a data set opened with the
     * smaller limit would compute {@code train_statistics} constants from the smaller split). A limit larger than
     * the run's, and a {@code --normalisation} other than the run's, are refused, naming the run's value.
     */
    public ImageDataset openRun(Preset preset) {
        String runNormalisation = preset.normalisation();
        if (normalisation != null && Normalisation.parse(normalisation) != Normalisation.parse(runNormalisation)) {
            throw new IllegalArgumentException("--normalisation " + normalisation + ": the run was trained with "
                    + runNormalisation + ", and its networks are evaluated only on data normalised as in training");
        }
        int train = narrowed("--train-limit", trainLimit, preset.trainLimit());
        int test = narrowed("--test-limit", testLimit, preset.testLimit());
        ImageDataset run = open(preset.dataset(), orZero(preset.trainLimit()), orZero(preset.testLimit()), runNormalisation);
        if (!limited()) {
            return run;
        }
        // a limit equal to the split's size keeps it whole; data sets read from files (ImageNet) have fixed constants
        return run instanceof InMemoryImageDataset held ? held.subset(train, test)
                : open(preset.dataset(), train, test, runNormalisation);
    }

    /** Whether {@code --test-limit} was given: the test examples are then not the run's, nor its recorded errors. */
    public boolean testNarrowed() {
        return testLimit != null;
    }

    /** Whether {@code --train-limit} or {@code --test-limit} was given. */
    public boolean limited() {
        return trainLimit != null || testLimit != null;
    }

    private static int narrowed(String option, Integer given, Integer run) {
        if (given == null) {
            return orZero(run);
        }
        if (given < 1) {
            throw new IllegalArgumentException(option + " " + given + ": with a results directory it must be >= 1 "
                    + "(leave it out for the run's " + (run == null ? "whole data" : run + " examples") + ")");
        }
        if (run != null && given > run) {
            throw new IllegalArgumentException(option + " " + given + " is larger than the run's own limit of " + run
                    + " examples; it may only narrow the run's data");
        }
        return given;
    }

    private static int orZero(Integer limit) {
        return limit == null ? 0 : limit;
    }

    private ImageDataset open(String name, int train, int test, String normalisationKey) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        if (train < 0 || test < 0) {
            throw new IllegalArgumentException("--train-limit/--test-limit must be >= 0 (0 = all), got "
                    + train + "/" + test);
        }
        DataOptions.Builder options = DataOptions.builder().trainLimit(train).testLimit(test)
                .normalisation(Normalisation.parse(normalisationKey));
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
