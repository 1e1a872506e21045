package org.swa4j.experiments.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Mean, sample standard deviation and two-sided 95% Student-t confidence interval of one metric
 * over independent seeds.
 *
 * <pre>
 *   mean = sum(x) / n
 *   std  = sqrt(sum((x - mean)^2) / (n - 1))          (sample, Bessel-corrected)
 *   ci95 = mean -/+ t_{0.975, n-1} * std / sqrt(n)
 * </pre>
 *
 * With one value the standard deviation and the interval are undefined and reported as NaN (an
 * empty cell in {@code summary.csv}), never as zero. Rejects an empty sample and non-finite
 * values: a diverged run must be excluded before it reaches the statistics.
 */
public record SeedStatistics(int n, double mean, double std, double ci95Low, double ci95High) {

    /** Statistics of {@code values}; rejects an empty array and NaN or infinite entries. */
    public static SeedStatistics of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values: statistics need at least one seed");
        }
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("value " + i + " is " + values[i] + "; only finite values are allowed");
            }
            sum += values[i];
        }
        int n = values.length;
        double mean = sum / n;
        if (n == 1) {
            return new SeedStatistics(1, mean, Double.NaN, Double.NaN, Double.NaN);
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(squares / (n - 1));
        double half = new TDistribution(n - 1).inverseCumulativeProbability(0.975) * std / Math.sqrt(n);
        return new SeedStatistics(n, mean, std, mean - half, mean + half);
    }
}
