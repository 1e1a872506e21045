package org.swa4j.experiments.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The reliability diagram behind the ECE (Guo et al. 2017, Figure 1): for each of the
 * {@value MetricsAccumulator#BINS} equal-width confidence bins B_b of {@link MetricsAccumulator},
 * <pre>
 *   confidence[b] = 100 * mean over B_b of max_k p_i[k]
 *   accuracy[b]   = 100 * #{i in B_b: argmax p_i == y_i} / |B_b|
 *   count[b]      = |B_b|
 * </pre>
 * confidence and accuracy null where the bin is empty. A calibrated model has accuracy = confidence in
 * every bin, and {@code ECE = sum_b count[b] / N * |accuracy[b] - confidence[b]|}. Written with every
 * result as {@code "reliability": {"confidence": [15], "accuracy": [15], "count": [15]}}.
 *
 * <p>Rejects lists of other lengths than the bins, an empty bin with a value or a filled one without,
 * and negative counts.
 */
public record Reliability(List<Double> confidence, List<Double> accuracy, List<Long> count) {

    public Reliability {
        if (confidence == null || accuracy == null || count == null) {
            throw new IllegalArgumentException("reliability needs confidence, accuracy and count lists, got " + confidence + ", "
                    + accuracy + ", " + count);
        }
        int bins = MetricsAccumulator.BINS;
        if (confidence.size() != bins || accuracy.size() != bins || count.size() != bins) {
            throw new IllegalArgumentException("reliability needs " + bins + " bins, got " + confidence.size() + " confidences, "
                    + accuracy.size() + " accuracies and " + count.size() + " counts");
        }
        for (int b = 0; b < bins; b++) {
            Long n = count.get(b);
            if (n == null || n < 0) {
                throw new IllegalArgumentException("reliability bin " + b + " has count " + n + "; must be >= 0");
            }
            if ((n == 0) != (confidence.get(b) == null) || (n == 0) != (accuracy.get(b) == null)) {
                throw new IllegalArgumentException("reliability bin " + b + " has count " + n + ", confidence " + confidence.get(b)
                        + " and accuracy " + accuracy.get(b) + "; an empty bin has neither value, a filled one both");
            }
        }
        confidence = Collections.unmodifiableList(new ArrayList<>(confidence));
        accuracy = Collections.unmodifiableList(new ArrayList<>(accuracy));
        count = List.copyOf(count);
    }

    /** The diagram of bins with {@code count[b]} examples, {@code correct[b]} of them right, confidences summing to {@code confidenceSum[b]}. */
    static Reliability of(long[] count, long[] correct, double[] confidenceSum) {
        List<Double> conf = new ArrayList<>();
        List<Double> acc = new ArrayList<>();
        List<Long> n = new ArrayList<>();
        for (int b = 0; b < count.length; b++) {
            n.add(count[b]);
            conf.add(count[b] == 0 ? null : 100.0 * confidenceSum[b] / count[b]);
            acc.add(count[b] == 0 ? null : 100.0 * correct[b] / count[b]);
        }
        return new Reliability(conf, acc, n);
    }

    /**
     * The diagram of all the examples behind {@code diagrams} together (seeds pooled): per bin the counts
     * summed and confidence and accuracy averaged weighted by count.
     *
     * @throws IllegalArgumentException if {@code diagrams} is empty
     */
    public static Reliability pooled(List<Reliability> diagrams) {
        if (diagrams == null || diagrams.isEmpty()) {
            throw new IllegalArgumentException("no reliability diagram to pool");
        }
        int bins = MetricsAccumulator.BINS;
        long[] n = new long[bins];
        double[] conf = new double[bins];
        double[] acc = new double[bins];
        for (Reliability r : diagrams) {
            for (int b = 0; b < bins; b++) {
                long c = r.count.get(b);
                if (c > 0) {
                    n[b] += c;
                    conf[b] += c * r.confidence.get(b);
                    acc[b] += c * r.accuracy.get(b);
                }
            }
        }
        List<Double> confidence = new ArrayList<>();
        List<Double> accuracy = new ArrayList<>();
        List<Long> count = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            count.add(n[b]);
            confidence.add(n[b] == 0 ? null : conf[b] / n[b]);
            accuracy.add(n[b] == 0 ? null : acc[b] / n[b]);
        }
        return new Reliability(confidence, accuracy, count);
    }

    /** Examples counted over all bins. */
    public long examples() {
        return count.stream().mapToLong(Long::longValue).sum();
    }

    /** The ECE in percent recomputed from the diagram: {@code sum_b count[b] / N * |accuracy[b] - confidence[b]|}. */
    public double ece() {
        long total = examples();
        double ece = 0;
        for (int b = 0; b < count.size(); b++) {
            if (count.get(b) > 0) {
                ece += (double) count.get(b) / total * Math.abs(accuracy.get(b) - confidence.get(b));
            }
        }
        return ece;
    }
}
