package org.swa4j.experiments.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.swa4j.core.AveragedModel;
import org.swa4j.core.BatchNormUpdate;
import org.swa4j.data.EpochIterator;
import org.swa4j.experiments.results.Checksums;
import org.swa4j.experiments.results.WriteFailedException;

/**
 * The runner's use of {@code org.swa4j.core}: the averaged network, its BatchNorm recalibration on
 * a given pass of the training data, and atomic save/restore of the averaging state.
 *
 * <p>A saved average is the same average in float arithmetic but not the same internal
 * representation ({@code AveragedModel} keeps {@code avg = s * A} and saves {@code s * A}), so later
 * updates would round differently after a resume. The jobs therefore continue every epoch from the
 * average they have just saved ({@link #restore}), interrupted or not: a resumed run computes
 * exactly what an uninterrupted one does.
 */
final class Averaging {

    private Averaging() {
    }

    static ComputationGraph modelOf(AveragedModel average) {
        return (ComputationGraph) average.model();
    }

    /** Recomputes {@code model}'s BN statistics over pass {@code epoch} of {@code data} (augmented training data). */
    static void recomputeBatchNorm(ComputationGraph model, EpochIterator data, int epoch) {
        data.setEpoch(epoch);
        BatchNormUpdate.run(model, data);
    }

    /** Saves the averaging state to {@code file} atomically, with its checksum ({@link Checksums}). */
    static void save(AveragedModel average, Path file) throws IOException {
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

    /** Restores a state saved by {@link #save}; {@code net} is the resumed live network. */
    static AveragedModel restore(Path file, ComputationGraph net, double decay, long expectedCount) throws IOException {
        AveragedModel a = AveragedModel.load(file, net);
        if (a.count() != expectedCount) {
            throw new IllegalStateException(file + " holds an average of " + a.count() + " models; the checkpoint says "
                    + expectedCount);
        }
        if (!Double.isNaN(decay) && a.decay() != decay) {
            throw new IllegalStateException(file + " holds an EMA with decay " + a.decay() + "; the preset says " + decay);
        }
        return a;
    }
}
