package org.swa4j.experiments.stats;

import org.apache.commons.math3.stat.inference.TTest;

/**
 * Two-sided p-value of Welch's unequal-variance t-test between two samples (Apache Commons Math
 * {@link TTest#tTest(double[], double[])}):
 *
 * <pre>
 *   t  = (mean_a - mean_b) / sqrt(s_a^2/n_a + s_b^2/n_b)
 *   df = (s_a^2/n_a + s_b^2/n_b)^2 / ((s_a^2/n_a)^2/(n_a-1) + (s_b^2/n_b)^2/(n_b-1))   (Welch-Satterthwaite)
 *   p  = 2 * P(T_df > |t|)
 * </pre>
 *
 * The test is undefined with fewer than two values on either side or when both samples have zero
 * variance; {@link #pValue} then returns NaN (an empty cell), never a made-up number.
 */
public final class WelchTest {

    private WelchTest() {
    }

    /** Two-sided Welch p-value of {@code a} against {@code b}, or NaN where the test is undefined. */
    public static double pValue(double[] a, double[] b) {
        if (a.length < 2 || b.length < 2) {
            return Double.NaN;
        }
        if (variance(a) == 0 && variance(b) == 0) {
            return Double.NaN;
        }
        return new TTest().tTest(a, b);
    }

    private static double variance(double[] x) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double s = 0;
        for (double v : x) {
            s += (v - mean) * (v - mean);
        }
        return s;
    }
}
