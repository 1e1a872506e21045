package org.swa4j.experiments.results;

/**
 * One row of {@code summary.csv}: a method at a budget over the seeds that finished (diverged
 * runs excluded). Accuracies in percent; NaN where undefined (one seed; SGD's own p-value).
 */
public record SummaryRow(String dataset, String model, String method, double budget, int n, double accMean,
        double accStd, double accCi95Low, double accCi95High, double nllMean, double eceMean, double pVsSgd) {
}
