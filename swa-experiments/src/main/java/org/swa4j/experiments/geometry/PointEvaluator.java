package org.swa4j.experiments.geometry;

import java.util.Objects;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.swa4j.data.EpochIterator;

/**
 * Evaluates a network at a point {@code w} of weight space: writes {@code w} into the trainable
 * parameters of a working network, recomputes its BatchNorm statistics on the BN data (when it
 * has BN layers), then measures {@link PointMetrics} on the training and test data.
 *
 * <p>Cross-entropy is {@code -log p_y} of the network's (softmax) output, with {@code p_y} clamped
 * below at {@link Float#MIN_NORMAL} so that an underflowed probability gives a loss of about 87
 * rather than infinity. The training loss adds {@code calcRegularizationScore(true)}: the L2 /
 * weight-decay term the network was configured to train with. The working network is modified;
 * pass a copy you do not need.
 *
 * <p>Every evaluation sees the same BN pass (one chosen pass of an {@link EpochIterator}, so the
 * same shuffling and augmentation at every point) and the whole of the training and test data.
 *
 * <p>Rejects a missing network, recalibration or test data, and a network with BN layers but no
 * BN data. The training data may be {@code null}: the training metrics are then {@code NaN}.
 */
public final class PointEvaluator {

    private final Model net;
    private final TrainableParameters layout;
    private final BatchNormRecalibration batchNorm;
    private final DataSetIterator batchNormData;
    private final DataSetIterator trainData;
    private final DataSetIterator testData;
    private final int batchNormPass;

    /** An evaluator whose BN data is used from its start (pass 0 of an {@link EpochIterator}). */
    public PointEvaluator(Model net, BatchNormRecalibration batchNorm, DataSetIterator batchNormData,
                          DataSetIterator trainData, DataSetIterator testData) {
        this(net, batchNorm, batchNormData, 0, trainData, testData);
    }

    /**
     * An evaluator that recomputes BN on pass {@code batchNormPass} of {@code batchNormData} when it
     * is an {@link EpochIterator} (the pass a run used for its own BN update, to reproduce it).
     */
    public PointEvaluator(Model net, BatchNormRecalibration batchNorm, DataSetIterator batchNormData, int batchNormPass,
                          DataSetIterator trainData, DataSetIterator testData) {
        if (batchNormPass < 0) {
            throw new IllegalArgumentException("BN pass must be >= 0, got " + batchNormPass);
        }
        this.batchNormPass = batchNormPass;
        this.net = Objects.requireNonNull(net, "net");
        this.layout = TrainableParameters.of(net);
        this.batchNorm = Objects.requireNonNull(batchNorm, "batchNorm");
        this.testData = Objects.requireNonNull(testData, "testData");
        if (layout.hasBatchNorm() && batchNormData == null) {
            throw new IllegalArgumentException("the network has BatchNorm layers: BN data is required");
        }
        this.batchNormData = batchNormData;
        this.trainData = trainData;
    }

    /** The layout of the working network's trainable parameters. */
    public TrainableParameters layout() {
        return layout;
    }

    /** The working network (holding the last point evaluated). */
    public Model network() {
        return net;
    }

    /** Writes {@code w}, recomputes the BN statistics and evaluates. */
    public PointMetrics evaluate(INDArray w) {
        layout.write(w, net);
        if (layout.hasBatchNorm()) {
            rewind(batchNormData, batchNormPass);
            batchNorm.recompute(net, batchNormData);
        }
        return evaluateAsIs();
    }

    /** Evaluates the working network with its current weights and BN statistics (no recomputation). */
    public PointMetrics evaluateAsIs() {
        double[] test = lossAndError(net, testData);
        if (trainData == null) {
            return new PointMetrics(Double.NaN, Double.NaN, test[0], test[1]);
        }
        double[] train = lossAndError(net, trainData);
        double regularisation = regularisationScore(net);
        return new PointMetrics(train[0] + regularisation, train[1], test[0], test[1]);
    }

    /** {@code {mean cross-entropy, error in percent}} of {@code net} over {@code data} (reset first). */
    public static double[] lossAndError(Model net, DataSetIterator data) {
        rewind(data, 0);
        double lossSum = 0;
        long wrong = 0;
        long n = 0;
        while (data.hasNext()) {
            DataSet batch = data.next();
            INDArray labels = batch.getLabels();
            INDArray probabilities = output(net, batch.getFeatures());
            INDArray logP = Transforms.log(Transforms.max(probabilities, Float.MIN_NORMAL, true), false);
            lossSum -= logP.muli(labels).sumNumber().doubleValue();
            INDArray predicted = probabilities.argMax(1);
            INDArray actual = labels.argMax(1);
            wrong += predicted.neq(actual).castTo(org.nd4j.linalg.api.buffer.DataType.INT64).sumNumber().longValue();
            n += batch.numExamples();
        }
        if (n == 0) {
            throw new IllegalArgumentException("evaluation data is empty");
        }
        return new double[] {lossSum / n, 100.0 * wrong / n};
    }

    /**
     * Puts {@code data} at the start of the same pass every time: pass {@code pass} of an
     * {@link EpochIterator} (whose {@code reset()} would move on to the next, differently shuffled
     * and augmented pass), the start of any other iterator.
     */
    static void rewind(DataSetIterator data, int pass) {
        if (data instanceof EpochIterator epochs) {
            epochs.setEpoch(pass);
        } else {
            data.reset();
        }
    }

    static INDArray output(Model net, INDArray features) {
        if (net instanceof MultiLayerNetwork mln) {
            return mln.output(features, false);
        }
        if (net instanceof ComputationGraph cg) {
            return cg.outputSingle(false, features);
        }
        throw new IllegalArgumentException("network must be a MultiLayerNetwork or ComputationGraph, got "
                + net.getClass().getName());
    }

    static double regularisationScore(Model net) {
        if (net instanceof MultiLayerNetwork mln) {
            return mln.calcRegularizationScore(true);
        }
        return ((ComputationGraph) net).calcRegularizationScore(true);
    }
}
