package org.swa4j.experiments.posthoc;

import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.swa4j.core.AveragedModel;
import org.swa4j.experiments.geometry.ModelFiles;
import org.swa4j.experiments.geometry.NetworkSignature;
import org.swa4j.experiments.geometry.TrainableParameters;

/**
 * Post-hoc SWA: the equal average of the trainable weights of saved models, swa-core's
 * {@link AveragedModel#swa} running mean ({@code avg += (w - avg) / (n + 1)}, the
 * {@code moving_average} of timgaripov/swa), fed one file at a time: besides the first network and
 * the average, only the file being folded in is held. The BatchNorm running statistics are not averaged: the
 * result carries the first model's, which the caller must recompute for the averaged weights
 * ({@code BatchNormUpdate}).
 *
 * <p>The average is kept in double precision and rounded once to the models' type at the end, so the
 * result is the mean correctly rounded (up to double rounding), and the average of copies of one
 * model is that model exactly. In the models' float the running mean is not: {@code AveragedModel}
 * holds it as a scale times a sum, and three copies of a weight came back 1 ulp off for about a
 * third of the weights.
 *
 * <p>Rejects an empty list, and any file that is unreadable, whose {@link NetworkSignature} differs
 * from the first file's, or whose parameters hold NaN or infinity, naming the file and the first
 * difference or bad value.
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
        Model firstInDouble = inDouble(first);
        AveragedModel<Model> average = AveragedModel.swa(firstInDouble);
        fold(average, firstInDouble, firstFile);
        for (int k = 1; k < files.size(); k++) {
            Path file = files.get(k);
            Model next = ModelFiles.load(file);
            String mismatch = signature.mismatch(NetworkSignature.of(next));
            if (mismatch != null) {
                throw new IllegalArgumentException(file + " cannot be averaged with " + firstFile + ": " + mismatch);
            }
            fold(average, inDouble(next), file);
        }
        TrainableParameters layout = signature.parameters();
        layout.write(layout.read(average.model()), first);
        return first;
    }

    private static void fold(AveragedModel<Model> average, Model net, Path file) {
        try {
            average.update(net);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static Model inDouble(Model net) {
        if (net instanceof MultiLayerNetwork mln) {
            return mln.convertDataType(DataType.DOUBLE);
        }
        if (net instanceof ComputationGraph cg) {
            return cg.convertDataType(DataType.DOUBLE);
        }
        throw new IllegalArgumentException("cannot average a " + net.getClass().getName()
                + ": not a MultiLayerNetwork or ComputationGraph");
    }
}
