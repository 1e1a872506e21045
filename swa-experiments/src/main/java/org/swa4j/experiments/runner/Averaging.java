package org.swa4j.experiments.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.swa4j.core.AveragedModel;
import org.swa4j.core.AveragingRule;
import org.swa4j.core.BatchNormUpdate;
import org.swa4j.data.EpochIterator;
import org.swa4j.experiments.results.Checksums;
import org.swa4j.experiments.results.WriteFailedException;

/**
 * The runner's use of {@code org.swa4j.core}: BatchNorm recalibration of an average on a given pass of
 * the training data, and atomic, checksummed save/restore of the averaging state ({@link AveragedModel}
 * saves its accumulator and scale as held, so a restored average continues bit for bit).
 */
final class Averaging {

    private Averaging() {
    }

    /** Recomputes {@code model}'s BN statistics over pass {@code epoch} of {@code data} (augmented training data). */
    static void recomputeBatchNorm(ComputationGraph model, EpochIterator data, int epoch) {
        data.setEpoch(epoch);
        BatchNormUpdate.run(model, data);
    }

    /** Saves the averaging state to {@code file} atomically, with its checksum ({@link Checksums}). */
    static void save(AveragedModel<?> average, Path file) throws IOException {
        Files.deleteIfExists(Checksums.sidecar(file));
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            average.save(tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            throw new WriteFailedException(file, e);
        } finally {
            Files.deleteIfExists(tmp);
        }
        Checksums.record(file);
    }

    /** Restores a state saved by {@link #save}, checking its rule and count; {@code net} is the resumed live network. */
    static AveragedModel<ComputationGraph> restore(Path file, ComputationGraph net, AveragingRule rule, long expectedCount)
            throws IOException {
        Checksums.requireIntactIfChecked(file);
        AveragedModel<ComputationGraph> a = AveragedModel.load(file, net, rule);
        if (a.count() != expectedCount) {
            throw new IllegalStateException(file + " holds an average of " + a.count() + " models; the checkpoint says "
                    + expectedCount);
        }
        return a;
    }
}
