package org.swa4j.experiments.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Accumulates accuracy, negative log-likelihood and expected calibration error over batches of
 * predicted class probabilities and one-hot labels.
 *
 * <pre>
 *   accuracy = 100 * #{argmax p_i == y_i} / N
 *   NLL      = -1/N * sum_i log max(p_i[y_i], 1e-12)
 *   ECE      = 100 * sum_b |B_b|/N * |acc(B_b) - conf(B_b)|
 * </pre>
 *
 * ECE uses {@value #BINS} equal-width confidence bins over (0, 1], confidence = max_k p_i[k]
 * (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017, the binning the SWAG and
 * SWA follow-up code uses). The probability floor 1e-12 keeps the NLL finite when a model assigns
 * a label probability 0 in float precision. The result carries the bins themselves as a
 * {@link Reliability} diagram. Rejects batches whose shapes differ, rows that are not one-hot, and
 * non-finite probabilities.
 */
public final class MetricsAccumulator {

    /** Number of equal-width confidence bins of the ECE. */
    public static final int BINS = 15;

    private static final double FLOOR = 1e-12;

    private long examples;
    private long correct;
    private double nllSum;
    private final long[] binCount = new long[BINS];
    private final long[] binCorrect = new long[BINS];
    private final double[] binConfidence = new double[BINS];

    /** Adds a batch: {@code probabilities} and {@code labels} are [N, classes]. */
    public void add(INDArray probabilities, INDArray labels) {
        if (probabilities.rank() != 2 || !java.util.Arrays.equals(probabilities.shape(), labels.shape())) {
            throw new IllegalArgumentException("probabilities " + java.util.Arrays.toString(probabilities.shape())
                    + " and labels " + java.util.Arrays.toString(labels.shape()) + " must both be [N, classes]");
        }
        double[][] p = probabilities.toDoubleMatrix();
        double[][] y = labels.toDoubleMatrix();
        for (int i = 0; i < p.length; i++) {
            add(p[i], labelOf(y[i], i));
        }
    }

    /** Adds one example with predicted probabilities {@code p} and true class {@code label}. */
    public void add(double[] p, int label) {
        if (label < 0 || label >= p.length) {
            throw new IllegalArgumentException("label " + label + " outside [0, " + p.length + ")");
        }
        int best = 0;
        for (int k = 0; k < p.length; k++) {
            if (!Double.isFinite(p[k])) {
                throw new IllegalArgumentException("probability " + k + " is " + p[k] + "; must be finite");
            }
            if (p[k] > p[best]) {
                best = k;
            }
        }
        boolean hit = best == label;
        double confidence = p[best];
        examples++;
        if (hit) {
            correct++;
        }
        nllSum -= Math.log(Math.max(p[label], FLOOR));
        int bin = Math.min(BINS - 1, Math.max(0, (int) Math.ceil(confidence * BINS) - 1));
        binCount[bin]++;
        binConfidence[bin] += confidence;
        if (hit) {
            binCorrect[bin]++;
        }
    }

    /** The metrics of everything added so far; rejects an empty accumulator. */
    public PredictionMetrics result() {
        if (examples == 0) {
            throw new IllegalArgumentException("no examples were added; cannot compute metrics of an empty test set");
        }
        double ece = 0;
        for (int b = 0; b < BINS; b++) {
            if (binCount[b] > 0) {
                double acc = (double) binCorrect[b] / binCount[b];
                double conf = binConfidence[b] / binCount[b];
                ece += (double) binCount[b] / examples * Math.abs(acc - conf);
            }
        }
        return new PredictionMetrics(examples, 100.0 * correct / examples, nllSum / examples, 100.0 * ece,
                Reliability.of(binCount, binCorrect, binConfidence));
    }

    private static int labelOf(double[] row, int i) {
        int label = -1;
        for (int k = 0; k < row.length; k++) {
            if (row[k] == 1.0) {
                if (label >= 0) {
                    throw new IllegalArgumentException("label row " + i + " has more than one 1: not one-hot");
                }
                label = k;
            } else if (row[k] != 0.0) {
                throw new IllegalArgumentException("label row " + i + " has value " + row[k] + "; must be one-hot");
            }
        }
        if (label < 0) {
            throw new IllegalArgumentException("label row " + i + " has no 1: not one-hot");
        }
        return label;
    }
}
