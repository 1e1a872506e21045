package org.swa4j.experiments.posthoc;

import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.swa4j.experiments.geometry.ModelFiles;
import org.swa4j.experiments.geometry.NetworkSignature;
import org.swa4j.experiments.geometry.TrainableParameters;

/**
 * Post-hoc SWA: the equal average of the trainable weights of saved models,
 * {@code avg_k = avg_{k-1} + (w_k - avg_{k-1}) / k} (the running mean of timgaripov/swa's
 * {@code moving_average}), read one file at a time so that at most two networks are in memory.
 * The BatchNorm running statistics are not averaged: the result carries the first model's, which
 * the caller must recompute for the averaged weights ({@code BatchNormUpdate}).
 *
 * <p>Rejects an empty list, and any file that is unreadable or whose {@link NetworkSignature}
 * differs from the first file's, naming the file and the first difference.
 */
public final class CheckpointAverage {

    private CheckpointAverage() {
    }

    /** The network of {@code files.get(0)} with its trainable weights replaced by the average over all files. */
    public static Model of(List<Path> files) {
        if (files == null || files.isEmpty()) {
            throw new IllegalArgumentException("no model files to average");
        }
        Path firstFile = files.get(0);
        Model first = ModelFiles.load(firstFile);
        NetworkSignature signature = NetworkSignature.of(first);
        TrainableParameters layout = signature.parameters();
        INDArray average = layout.read(first);
        requireFinite(average, firstFile);
        for (int k = 1; k < files.size(); k++) {
            Path file = files.get(k);
            Model next = ModelFiles.load(file);
            String mismatch = signature.mismatch(NetworkSignature.of(next));
            if (mismatch != null) {
                throw new IllegalArgumentException(file + " cannot be averaged with " + firstFile + ": " + mismatch);
            }
            INDArray w = layout.read(next);
            requireFinite(w, file);
            average.addi(w.subi(average).divi(k + 1));
        }
        layout.write(average, first);
        return first;
    }

    private static void requireFinite(INDArray w, Path file) {
        if (w.isNaN().any() || w.isInfinite().any()) {
            throw new IllegalArgumentException(file + ": weights contain NaN or infinite values; not averaged");
        }
    }
}
