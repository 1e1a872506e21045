package org.swa4j.data;

import java.net.URI;
import java.nio.file.Path;
import org.swa4j.data.format.CifarBinaryReader.Cifar100Label;

/**
 * How {@link Datasets#open} finds and prepares a data set.
 *
 * @param dataDir       where data sets live ({@code <dataDir>/cifar-10-batches-bin/} etc.); null means
 *                      {@code $SWA4J_DATA}, else {@code ~/.swa4j/data}. System locations
 *                      ({@code /usr/share/datasets/<set>}) are looked in after it; downloads go into it.
 * @param allowDownload fetch a missing data set from its official source (not ImageNet)
 * @param trainLimit    0 for all training examples, else a stratified subset of this size (logged)
 * @param testLimit     0 for all test examples, else a stratified subset of this size (logged)
 * @param normalisation which mean/std to normalise with
 * @param cifar100Label fine (default, 100 classes) or coarse (20 superclasses) CIFAR-100 labels
 * @param workers       background threads preparing (and for ImageNet decoding) batches, >= 1
 * @param mirror        if not null, every download is fetched from {@code mirror.resolve(fileName)} instead of the
 *                      official address (a local mirror, or a test server)
 */
public record DataOptions(Path dataDir, boolean allowDownload, int trainLimit, int testLimit,
                          Normalisation normalisation, Cifar100Label cifar100Label, int workers, URI mirror) {
    public DataOptions {
        if (trainLimit < 0 || testLimit < 0) {
            throw new IllegalArgumentException("limits " + trainLimit + "/" + testLimit + " must be >= 0 (0 = all)");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers " + workers + " must be >= 1");
        }
        if (normalisation == null || cifar100Label == null) {
            throw new IllegalArgumentException("normalisation and cifar100Label must not be null");
        }
    }

    /** Default directory, downloads allowed, everything, default normalisation, fine labels, 2 workers. */
    public static DataOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this record's values. */
    public Builder toBuilder() {
        return new Builder().dataDir(dataDir).allowDownload(allowDownload).trainLimit(trainLimit).testLimit(testLimit)
                .normalisation(normalisation).cifar100Label(cifar100Label).workers(workers).mirror(mirror);
    }

    /** Builder of {@link DataOptions}; every setter sets one field. */
    public static final class Builder {
        private Path dataDir;
        private boolean allowDownload = true;
        private int trainLimit;
        private int testLimit;
        private Normalisation normalisation = Normalisation.DEFAULT;
        private Cifar100Label cifar100Label = Cifar100Label.FINE;
        private int workers = 2;
        private URI mirror;

        public Builder dataDir(Path v) {
            dataDir = v;
            return this;
        }

        public Builder allowDownload(boolean v) {
            allowDownload = v;
            return this;
        }

        public Builder trainLimit(int v) {
            trainLimit = v;
            return this;
        }

        public Builder testLimit(int v) {
            testLimit = v;
            return this;
        }

        public Builder normalisation(Normalisation v) {
            normalisation = v;
            return this;
        }

        public Builder cifar100Label(Cifar100Label v) {
            cifar100Label = v;
            return this;
        }

        public Builder workers(int v) {
            workers = v;
            return this;
        }

        public Builder mirror(URI v) {
            mirror = v;
            return this;
        }

        public DataOptions build() {
            return new DataOptions(dataDir, allowDownload, trainLimit, testLimit, normalisation, cifar100Label, workers, mirror);
        }
    }
}
